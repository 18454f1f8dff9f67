"""DL3012: only the last HEALTHCHECK of a stage counts; an earlier one is dead text that readers
will trust."""

from __future__ import annotations

from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity
from dockyard.dockerfile.rules.dlbase import StreamRule

__all__ = ["rule"]


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    del ctx
    seen = False
    failing: list[int] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            seen = False
        elif instruction.keyword == "HEALTHCHECK":
            if seen:
                failing.append(instruction.start_line)
            seen = True
    return failing


class DL3012(StreamRule):
    code = "DL3012"
    severity = Severity.ERROR
    message = "Multiple `HEALTHCHECK` instructions"

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3012()
