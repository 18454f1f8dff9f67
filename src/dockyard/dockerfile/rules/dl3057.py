"""DL3057: without a HEALTHCHECK, docker (and ``dockyard watch``) can only tell whether the
process runs, not whether it serves. A stage built on a stage with a HEALTHCHECK inherits it.
Level ``ignore`` by default, as in hadolint: enable it with ``--warning DL3057`` or config."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity
from dockyard.dockerfile.rules.dlbase import StreamRule, base_image

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
                healed = _descendants(bad, current)
                good |= healed | {current}
                bad -= healed | {current}
        yield from sorted(stage.line for stage in bad)


def _descendants(bad: set[_Stage], parent: _Stage) -> set[_Stage]:
    """Stages (still without a HEALTHCHECK) built on ``parent``, and on those, recursively."""
    children = {stage for stage in bad if stage.source == parent.name}
    found = set(children)
    for child in children:
        found |= _descendants(bad - children, child)
    return found


rule = DL3057()
