"""DL3019: ``apk add`` without ``--no-cache`` leaves the package index in /var/cache/apk,
megabytes in the layer that the program never reads."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script
from dockyard.dockerfile.rules.dlbase import cache_mount_with

__all__ = ["rule"]


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    if script is None or cache_mount_with(instruction, "/var/cache/apk"):
        return False
    return script.any(lambda c: c.has_args("apk", "add") and not c.has_flag("no-cache"))


class DL3019(InstructionRule):
    code = "DL3019"
    severity = Severity.INFO
    message = (
        "Use the `--no-cache` switch to avoid the need to use `--update` and remove "
        "`/var/cache/apk/*` when done installing packages"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3019()
