"""DL3032: yum keeps downloaded packages and metadata in /var/cache/yum; without a clean in the
same RUN they ship in the layer."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script
from dockyard.dockerfile.rules.dlbase import cleaned_after

__all__ = ["rule"]


def _installs(command: Command) -> bool:
    return command.has_args("yum", "install")


def _cleans(command: Command) -> bool:
    return command.has_args("yum", "clean", "all") or command.has_args(
        "rm", "-rf", "/var/cache/yum/*"
    )


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and not cleaned_after(script, _installs, _cleans)


class DL3032(InstructionRule):
    code = "DL3032"
    severity = Severity.WARNING
    message = "`yum clean all` missing after yum command."
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3032()
