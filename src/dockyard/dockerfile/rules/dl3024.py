"""DL3024: two stages with one name make ``--from``/``--target`` ambiguous; docker refuses."""

from __future__ import annotations

from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import base_image

__all__ = ["rule"]


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    del ctx
    seen: set[str] = set()
    failing: list[int] = []
    for instruction in instructions:
        alias = base_image(instruction).alias if instruction.keyword == "FROM" else None
        if alias is None:
            continue
        if alias in seen:
            failing.append(instruction.start_line)
        seen.add(alias)
    return failing


class DL3024(StreamRule):
    code = "DL3024"
    severity = Severity.ERROR
    message = "FROM aliases (stage names) must be unique"

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3024()
