"""DL4005: replacing /bin/sh with a symlink changes the shell of every later program in the
image, not just of the build; the SHELL instruction changes the build's shell only."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _fails(command: Command) -> bool:
    return command.has_args("ln", "/bin/sh")


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL4005(InstructionRule):
    code = "DL4005"
    severity = Severity.WARNING
    message = "Use SHELL to change the default shell"
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL4005()
