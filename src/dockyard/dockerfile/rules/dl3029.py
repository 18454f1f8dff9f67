"""DL3029: a fixed ``FROM --platform`` builds one architecture whatever the user asks for;
use ``$BUILDPLATFORM``/``$TARGETPLATFORM`` or leave it to ``docker build --platform``."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


def _violates(instruction: Instruction) -> bool:
    platform = instruction.flag("platform") if instruction.keyword == "FROM" else None
    if platform is None:
        return False
    return "BUILDPLATFORM" not in platform and "TARGETPLATFORM" not in platform


class DL3029(InstructionRule):
    code = "DL3029"
    severity = Severity.WARNING
    message = "Do not use --platform flag with FROM"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3029()
