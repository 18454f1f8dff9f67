"""DL4004: only the last ENTRYPOINT of a stage takes effect; earlier ones mislead readers."""

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
        elif instruction.keyword == "ENTRYPOINT":
            if seen:
                failing.append(instruction.start_line)
            seen = True
    return failing


class DL4004(StreamRule):
    code = "DL4004"
    severity = Severity.ERROR
    message = (
        "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then "
        "only the last `ENTRYPOINT` will take effect"
    )

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL4004()
