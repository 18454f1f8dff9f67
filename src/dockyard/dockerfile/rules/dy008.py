"""DY008: a file added in one layer and deleted in a later one.

Layers only add: ``rm`` in a later RUN hides the file but every byte of it still ships in the
earlier layer (``dockyard inspect`` shows it as wasted space). Delete in the same RUN that
created it, keep it out of the context (``.dockerignore``), or mount it for the one step that
needs it (``RUN --mount=type=bind,source=x,target=/tmp/x``).
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import commands_of, final_stage, stage_instructions

__all__ = ["rule"]


@dataclass(frozen=True)
class _Added:
    path: str
    tree: bool  # a directory copied whole: deleting anything below it wastes bytes
    line: int
    how: str


class DY008(Rule):
    code = "DY008"
    severity = Severity.WARNING
    message = (
        "{path} was added by the {how} on line {added} and is deleted here, in a later layer: its "
        "bytes still ship in that earlier layer. Delete it in the same RUN that creates it, keep "
        "it out with .dockerignore, or use `RUN --mount=type=bind` for the step that needs it"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None:
            return
        added: list[_Added] = []
        workdir = "/"
        for instruction in stage_instructions(df, stage):
            if instruction.keyword == "FROM":
                workdir = "/"
            elif instruction.keyword == "WORKDIR":
                workdir = _join(workdir, instruction.arguments.strip("\"'"))
            elif instruction.keyword in ("COPY", "ADD"):
                added += _copied(instruction, workdir)
            elif instruction.keyword == "RUN":
                yield from self._deletions(instruction, added, workdir, ctx)
                added += _downloaded(instruction, workdir)

    def _deletions(
        self, run: Instruction, added: list[_Added], workdir: str, ctx: LintContext
    ) -> Iterator[Finding]:
        reported: set[str] = set()
        for command in commands_of(run):
            if command.basename != "rm":
                continue
            for target in command.args_no_flags():
                if "$" in target or target in ("-", "--"):
                    continue
                gone = _join(workdir, target)
                for item in added:
                    if (
                        item.line < run.start_line
                        and _hits(gone, item)
                        and item.path not in reported
                    ):
                        reported.add(item.path)
                        message = self.message.format(path=item.path, how=item.how, added=item.line)
                        yield self.finding(run.start_line, ctx, message=message)


def _join(workdir: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(workdir, path))


def _hits(gone: str, item: _Added) -> bool:
    if gone == item.path or item.path.startswith(gone.rstrip("/") + "/"):
        return True
    if item.tree and gone.startswith(item.path.rstrip("/") + "/"):
        return True
    return fnmatch.fnmatchcase(item.path, gone)


def _copied(instruction: Instruction, workdir: str) -> list[_Added]:
    if instruction.heredocs:
        words = [w for w in instruction.words if not w.startswith("<<")]
    else:
        words = instruction.words
    if len(words) < 2 or instruction.flag("from"):
        return []
    *sources, destination = words
    how = f"{instruction.keyword} (a separate layer)"
    target = _join(workdir, destination)
    is_dir = destination.endswith("/") or len(sources) > 1
    items = []
    for source in sources:
        whole_tree = source in (".", "./") or source.endswith("/")
        if whole_tree or not is_dir:
            items.append(_Added(target, whole_tree, instruction.start_line, how))
        else:
            name = posixpath.basename(source.rstrip("/"))
            items.append(_Added(_join(target, name), False, instruction.start_line, how))
    return items


def _downloaded(run: Instruction, workdir: str) -> list[_Added]:
    items = []
    for command in commands_of(run):
        for output in _outputs(command):
            if output != "-" and "$" not in output:
                items.append(_Added(_join(workdir, output), False, run.start_line, "RUN"))
    return items


def _outputs(command: Command) -> list[str]:
    if command.basename == "curl":
        return command.flag_values("o") + command.flag_values("output")
    if command.basename == "wget":
        inline = [a.split("=", 1)[1] for a in command.args if a.startswith("--output-document=")]
        return command.flag_values("O") + command.flag_values("output-document") + inline
    return []


rule = DY008()
