"""DL3030: yum asks for confirmation and a build cannot answer; ``-y`` makes the install
non-interactive."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _fails(command: Command) -> bool:
    return command.has_args("yum", "install", "groupinstall", "localinstall") and not (
        command.has_flag("y", "assumeyes")
    )


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3030(InstructionRule):
    code = "DL3030"
    severity = Severity.WARNING
    message = "Use the -y switch to avoid manual input `yum install -y <package>`"
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3030()
