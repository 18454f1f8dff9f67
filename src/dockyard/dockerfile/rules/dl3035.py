"""DL3035: a distribution upgrade inside an image build replaces the base image's release with
another one; pick the right base image instead."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _fails(command: Command) -> bool:
    return command.has_args("zypper", "dist-upgrade", "dup")


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3035(InstructionRule):
    code = "DL3035"
    severity = Severity.WARNING
    message = "Do not use `zypper dist-upgrade`."
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3035()
