"""DL3050: with ``strict-labels``, a label outside the configured schema is a typo or an
undocumented convention; either way, tools that read the schema will not see it."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


class DL3050(InstructionRule):
    code = "DL3050"
    severity = Severity.INFO
    message = "Superfluous label(s) present."

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        if instruction.keyword != "LABEL" or not ctx.strict_labels:
            return True
        return all(key in ctx.label_schema for key, _ in instruction.env_pairs())


rule = DL3050()
