"""DL3015: apt-get installs recommended packages by default: often tens of megabytes the program
never uses, in every layer and every pull."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _fails(command: Command) -> bool:
    return command.has_args("apt-get", "install") and not (
        command.has_flag("no-install-recommends")
        or command.has_arg("APT::Install-Recommends=false")
    )


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3015(InstructionRule):
    code = "DL3015"
    severity = Severity.INFO
    message = "Avoid additional packages by specifying `--no-install-recommends`"
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3015()
