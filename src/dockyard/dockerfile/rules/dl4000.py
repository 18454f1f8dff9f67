"""DL4000: MAINTAINER is deprecated; a ``LABEL maintainer=...`` is what tools read."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


class DL4000(InstructionRule):
    code = "DL4000"
    severity = Severity.ERROR
    message = "MAINTAINER is deprecated"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return instruction.keyword != "MAINTAINER"


rule = DL4000()
