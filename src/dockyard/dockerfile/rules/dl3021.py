"""DL3021: with several sources, COPY needs a directory destination; without the trailing
``/`` docker refuses the build."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity
from dockyard.dockerfile.rules.dlbase import drop_quotes

__all__ = ["rule"]


def _violates(instruction: Instruction) -> bool:
    if instruction.keyword != "COPY":
        return False
    words = instruction.json_args if instruction.json_args is not None else instruction.words
    if len(words) <= 2:
        return False
    return not drop_quotes(words[-1]).endswith("/")


class DL3021(InstructionRule):
    code = "DL3021"
    severity = Severity.ERROR
    message = "COPY with more than 2 arguments requires the last argument to end with /"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3021()
