"""DL3067: ``COPY --from=stage / /`` copies the other stage's whole filesystem over this one,
package database and all: the result is neither image, and a multi-stage build's point is lost."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity
from dockyard.dockerfile.rules.dlbase import drop_quotes

__all__ = ["rule"]


class DL3067(InstructionRule):
    code = "DL3067"
    severity = Severity.WARNING
    message = "Do not copy an entire filesystem from another stage"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        if instruction.keyword != "COPY" or instruction.flag("from") is None:
            return True
        words = instruction.json_args or instruction.words
        if len(words) < 2:
            return True
        roots = any(drop_quotes(source) == "/" for source in words[:-1])
        return not (roots and drop_quotes(words[-1]) == "/")


rule = DL3067()
