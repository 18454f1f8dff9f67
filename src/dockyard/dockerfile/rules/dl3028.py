"""DL3028: an unpinned ``gem install`` takes the newest release on build day, so builds are not
reproducible."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _gems(command: Command) -> list[str]:
    if not command.has_args("gem", "install", "i"):
        return []
    if command.has_args("gem", "-v", "--version") or command.has_prefix_arg("gem", "--version="):
        return []
    words = list(command.args)
    if "--" in words:
        words = words[: words.index("--")]
    gems: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = True
        elif word not in ("install", "i"):
            gems.append(word)
    return gems


def _fails(command: Command) -> bool:
    return not all(":" in gem for gem in _gems(command))


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3028(InstructionRule):
    code = "DL3028"
    severity = Severity.WARNING
    message = (
        "Pin versions in gem install. Instead of `gem install <gem>` use `gem "
        "install <gem>:<version>`"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3028()
