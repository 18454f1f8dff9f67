"""Heredocs for engines whose built-in Dockerfile frontend predates them (Engine < 23).

BuildKit's built-in frontend learned ``RUN <<EOF`` and ``COPY <<EOF`` in Engine 23; Engine 20.10
answers "unknown flag" or treats the body as instructions. Rather than pulling a newer frontend
image (``# syntax=``, impossible without Docker Hub), dockyard rewrites those instructions into
older syntax that means the same:

- ``RUN [flags] <cmd with <<EOF>`` becomes ``RUN [flags] ["<shell>", ..., "<cmd + body>"]``:
  the stage's SHELL receives the very text the new frontend would hand it, so the shell itself
  interprets the heredoc (``<<-`` tab stripping, quoted delimiters, ``bash <<EOF``, fd numbers).
- a bare ``RUN <<EOF`` runs its body as the script through the stage's SHELL, like the new
  frontend; a body with a ``#!`` line is written to a temporary file, made executable and run, so
  its interpreter is used; the file is removed in the same step.
- ``COPY/ADD [flags] <<name ... dest`` writes each body (variables expanded unless the delimiter is
  quoted, as the new frontend does) into the build context under ``.dockyard-heredoc/<sha>/<name>``
  and becomes ``COPY [flags] .dockyard-heredoc/<sha>/<name> ... dest``.

Nothing is rewritten when the Dockerfile names its own frontend (``# syntax=``) or the engine's
frontend has heredocs. Bump :data:`dockyard.build._inputs.TRANSLATION_VERSION` when the output of
this module changes for the same input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from dockyard.dockerfile import Dockerfile, Instruction, expand, heredoc_only_command, parse

__all__ = ["HEREDOC_DIR", "Translation", "needs_translation", "translate_heredocs"]

HEREDOC_DIR = ".dockyard-heredoc"
_DEFAULT_SHELL = ("/bin/sh", "-c")


@dataclass(frozen=True)
class Translation:
    """The Dockerfile to send and the generated files to add to the build context."""

    text: str
    files: dict[str, bytes] = field(default_factory=dict)
    translated: int = 0  # instructions rewritten


def needs_translation(dockerfile: Dockerfile, *, frontend_has_heredocs: bool) -> bool:
    """Only when heredocs are used, the engine's frontend lacks them and no frontend is named."""
    if frontend_has_heredocs or "syntax" in dockerfile.directives:
        return False
    return any(i.heredocs and i.keyword in ("RUN", "COPY", "ADD") for i in dockerfile.instructions)


def translate_heredocs(
    text: str, *, path: str = "Dockerfile", build_args: Mapping[str, str] | None = None
) -> Translation:
    """Rewrite every RUN/COPY/ADD heredoc of ``text`` (raises DockerfileError on bad syntax)."""
    dockerfile = parse(text, path=path)
    lines = text.split("\n")
    files: dict[str, bytes] = {}
    replacements: list[tuple[int, int, str]] = []
    shell: tuple[str, ...] = _DEFAULT_SHELL
    variables: dict[str, str | None] = {}
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            shell, variables = _DEFAULT_SHELL, {}
        elif instruction.keyword == "SHELL" and instruction.json_args:
            shell = tuple(instruction.json_args)
        elif instruction.keyword == "ARG":
            for name, default in instruction.arg_pairs():
                variables[name] = (build_args or {}).get(name, default)
        elif instruction.keyword == "ENV":
            for name, value in instruction.env_pairs():
                variables[name] = expand(value, variables)
        if not instruction.heredocs:
            continue
        if instruction.keyword == "RUN":
            new = _run(instruction, shell=shell)
        elif instruction.keyword in ("COPY", "ADD"):
            new = _copy(instruction, files=files, variables=variables)
        else:
            continue
        replacements.append((instruction.start_line, instruction.end_line, new))
    for start, end, new in reversed(replacements):
        lines[start - 1 : end] = [new]
    return Translation(text="\n".join(lines), files=files, translated=len(replacements))


def _flags(instruction: Instruction) -> str:
    parts = [
        f"--{f.name}" if f.value is None else f"--{f.name}={f.value}" for f in instruction.flags
    ]
    return "".join(part + " " for part in parts)


def _run(instruction: Instruction, *, shell: tuple[str, ...]) -> str:
    if heredoc_only_command(instruction.arguments) and len(instruction.heredocs) == 1:
        body = instruction.heredocs[0].body
        script = _shebang_script(body) if body.startswith("#!") else body
        return f"RUN {_flags(instruction)}{json.dumps([*shell, script])}"
    raw_lines = instruction.raw.split("\n")
    first_body = instruction.heredocs[0].start_line - instruction.start_line
    command = instruction.arguments + "\n" + "\n".join(raw_lines[first_body:])
    return f"RUN {_flags(instruction)}{json.dumps([*shell, command])}"


def _shebang_script(body: str) -> str:
    """Run a ``#!`` body with its own interpreter, as the new frontend does, leaving no file."""
    marker = "DOCKYARD_HEREDOC_" + hashlib.sha256(body.encode()).hexdigest()[:16]
    return (
        'f="$(mktemp)" && cat > "$f" <<\'' + marker + "'\n" + body.rstrip("\n") + "\n" + marker
        + '\nchmod +x "$f" && "$f"; s=$?; rm -f "$f"; exit $s'
    )  # fmt: skip


def _copy(
    instruction: Instruction, *, files: dict[str, bytes], variables: Mapping[str, str | None]
) -> str:
    names: dict[str, str] = {}
    for heredoc in instruction.heredocs:
        body = heredoc.body if heredoc.quoted else expand(heredoc.body, variables)
        content = body.encode()
        digest = hashlib.sha256(heredoc.delimiter.encode() + b"\0" + content).hexdigest()
        generated = f"{HEREDOC_DIR}/{digest[:32]}/{heredoc.delimiter}"
        files[generated] = content
        names[heredoc.delimiter] = generated
    words = [_replace_marker(word, names) for word in instruction.arguments.split()]
    return f"{instruction.keyword} {_flags(instruction)}{' '.join(words)}"


def _replace_marker(word: str, names: Mapping[str, str]) -> str:
    if not word.startswith("<<"):
        return word
    delimiter = word[2:].lstrip("-").strip("'\"")
    return names.get(delimiter, word)
