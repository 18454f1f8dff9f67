"""DL3057: without a HEALTHCHECK, docker (and ``dockyard watch``) can only tell whether the
process runs, not whether it serves. A stage built on a stage with a HEALTHCHECK inherits it, and
a stage that others are built on counts as covered once one of them has a HEALTHCHECK (hadolint's
reading). Level ``ignore`` by default, as in hadolint: enable it with an ``override``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import base_image

__all__ = ["rule"]


@dataclass(frozen=True)
class _Stage:
    source: str
    name: str
    line: int


class DL3057(StreamRule):
    code = "DL3057"
    severity = Severity.IGNORE
    message = "`HEALTHCHECK` instruction missing."

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        current: _Stage | None = None
        good: set[_Stage] = set()
        bad: set[_Stage] = set()
        for instruction in instructions:
            if instruction.keyword == "FROM":
                image = base_image(instruction)
                current = _Stage(image.name, image.alias or image.name, instruction.start_line)
                (good if any(g.name == current.source for g in good) else bad).add(current)
            elif instruction.keyword == "HEALTHCHECK" and current is not None:
                healed = _bases(bad, current)
                good |= healed | {current}
                bad -= healed | {current}
        yield from sorted(stage.line for stage in bad)


def _bases(bad: set[_Stage], child: _Stage) -> set[_Stage]:
    """Stages (still without a HEALTHCHECK) that ``child`` is built on, and theirs, in turn."""
    parents = {stage for stage in bad if stage.name == child.source}
    found = set(parents)
    for parent in parents:
        found |= _bases(bad - parents, parent)
    return found


rule = DL3057()
