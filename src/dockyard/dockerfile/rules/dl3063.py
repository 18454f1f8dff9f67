"""DL3063: ``scratch`` and ``context`` mean something else to BuildKit (the empty image, the
build context); a stage with that name is shadowed or shadows them."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity
from dockyard.dockerfile.rules.dlbase import base_image

__all__ = ["rule"]


class DL3063(InstructionRule):
    code = "DL3063"
    severity = Severity.WARNING
    message = "stage name should not be a reserved word"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        if instruction.keyword != "FROM":
            return True
        return base_image(instruction).alias not in ("scratch", "context")


rule = DL3063()
