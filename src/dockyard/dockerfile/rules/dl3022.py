"""DL3022: ``COPY --from=name`` that names no earlier stage is read as an image to pull;
usually a typo of a stage name, and a build that pulls something unexpected."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import base_image, drop_quotes

__all__ = ["rule"]

_INDEX = re.compile(r"^\d+")


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    del ctx
    count = 0
    names: set[str] = set()
    failing: list[int] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            count += 1
            alias = base_image(instruction).alias
            if alias:
                names.add(alias)
            continue
        source = instruction.flag("from") if instruction.keyword == "COPY" else None
        if source is None or ":" in drop_quotes(source) or source in names:
            continue
        index = _INDEX.match(source)
        if index is None or int(index.group()) >= count:
            failing.append(instruction.start_line)
    return failing


class DL3022(StreamRule):
    code = "DL3022"
    severity = Severity.WARNING
    message = "`COPY --from` should reference a previously defined `FROM` alias"

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3022()
