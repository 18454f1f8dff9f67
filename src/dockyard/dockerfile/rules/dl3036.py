"""DL3036: zypper keeps downloaded packages and metadata in /var/cache/zypp; without a clean in
the same RUN they ship in the layer."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script
from dockyard.dockerfile.rules.dlbase import cache_mount_with, cleaned_after

__all__ = ["rule"]


def _installs(command: Command) -> bool:
    return command.has_args("zypper", "install", "in")


def _cleans(command: Command) -> bool:
    return command.has_args("zypper", "clean", "cc")


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    if script is None or cache_mount_with(instruction, "/var/cache/zypp"):
        return False
    return not cleaned_after(script, _installs, _cleans)


class DL3036(InstructionRule):
    code = "DL3036"
    severity = Severity.WARNING
    message = "`zypper clean` missing after zypper use."
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3036()
