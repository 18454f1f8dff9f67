"""DL3061: a Dockerfile must start with ``FROM`` (only ``ARG``s, comments and parser directives
may come first); anything else is refused by docker."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule

__all__ = ["rule"]


class DL3061(StreamRule):
    code = "DL3061"
    severity = Severity.ERROR
    message = "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment."

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        for instruction in instructions:
            if instruction.keyword == "FROM":
                return
            if instruction.keyword != "ARG":
                yield instruction.start_line


rule = DL3061()
