"""DL3018: an unpinned ``apk add`` takes whatever the Alpine mirror serves on build day, so builds
are not reproducible."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _pinned(package: str) -> bool:
    return any(sign in package for sign in "=~><") or package.endswith(".apk")


def _fails(command: Command) -> bool:
    if not command.has_args("apk", "add"):
        return False
    packages = command.args_no_flags(drop_values_of=("t", "virtual", "repository", "X"))
    return not all(_pinned(p) for p in packages if p != "add")


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3018(InstructionRule):
    code = "DL3018"
    severity = Severity.WARNING
    message = (
        "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3018()
