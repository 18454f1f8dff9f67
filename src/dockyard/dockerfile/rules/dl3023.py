"""DL3023: a stage cannot copy from itself; docker fails the build."""

from __future__ import annotations

from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import base_image

__all__ = ["rule"]


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    del ctx
    alias: str | None = None
    failing: list[int] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            alias = base_image(instruction).alias
        elif (
            instruction.keyword == "COPY"
            and alias is not None
            and (instruction.flag("from") == alias)
        ):
            failing.append(instruction.start_line)
    return failing


class DL3023(StreamRule):
    code = "DL3023"
    severity = Severity.ERROR
    message = "`COPY --from` cannot reference its own `FROM` alias"

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3023()
