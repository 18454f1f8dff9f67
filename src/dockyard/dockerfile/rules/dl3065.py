"""DL3065: ``FROM --platform=$TARGETPLATFORM`` says what docker does anyway; the flag only adds
noise (and hides real ``--platform`` choices among redundant ones)."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


class DL3065(InstructionRule):
    code = "DL3065"
    severity = Severity.WARNING
    message = (
        "Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this is the "
        "default behavior"
    )

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        if instruction.keyword != "FROM":
            return True
        return instruction.flag("platform") not in ("$TARGETPLATFORM", "${TARGETPLATFORM}")


rule = DL3065()
