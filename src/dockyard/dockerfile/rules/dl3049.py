"""DL3049: with a ``label-schema`` configured, every image the Dockerfile produces must carry
each required label. A stage only used as a ``COPY --from`` source is not an image anyone runs,
and a stage built on a labelled stage inherits its labels."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import BaseImage, base_image

__all__ = ["rule"]


@dataclass(frozen=True)
class _Stage:
    image: BaseImage
    line: int

    @property
    def name(self) -> str:
        return self.image.alias or self.image.name


def _missing(instructions: list[Instruction], label: str) -> list[int]:
    current: _Stage | None = None
    good: set[_Stage] = set()
    bad: set[_Stage] = set()

    def silence(name: str) -> None:
        bad.difference_update(
            {s for s in bad if s.image.alias is not None and s.image.alias == name}
        )

    for instruction in instructions:
        if instruction.keyword == "FROM":
            current = _Stage(base_image(instruction), instruction.start_line)
            parent_good = any(g.image.alias == current.image.name for g in good if g.image.alias)
            (good if parent_good else bad).add(current)
        elif current is None:
            continue
        elif instruction.keyword == "COPY" and instruction.flag("from") is not None:
            silence(instruction.flag("from") or "")
        elif instruction.keyword == "LABEL" and label in dict(instruction.env_pairs()):
            silence(current.name)
            good.add(current)
            bad.discard(current)
    return sorted(stage.line for stage in bad)


class DL3049(StreamRule):
    code = "DL3049"
    severity = Severity.INFO
    message = "Label `<label>` is missing."

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[tuple[int, str]]:
        for label in ctx.label_schema:
            for line in _missing(instructions, label):
                yield line, f"Label `{label}` is missing."


rule = DL3049()
