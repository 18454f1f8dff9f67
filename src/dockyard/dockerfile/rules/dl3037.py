"""DL3037: an unpinned zypper install takes whatever the repository serves on build day."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _pinned(package: str) -> bool:
    return any(sign in package for sign in "=<>") or package.endswith(".rpm")


def _fails(command: Command) -> bool:
    if not command.has_args("zypper", "install", "in"):
        return False
    packages = [p for p in command.args_no_flags() if p not in ("install", "in")]
    return not all(_pinned(p) for p in packages)


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3037(InstructionRule):
    code = "DL3037"
    severity = Severity.WARNING
    message = "Specify version with `zypper install -y <package>=<version>`."
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3037()
