"""Label schema checks shared by DL3051-DL3056 and DL3058: one rule per label format, one
finding per LABEL instruction whose value for a schema label does not have that format."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, StreamRule

__all__ = ["LabelFormatRule"]


class LabelFormatRule(StreamRule):
    """Subclasses set ``label_type`` (the schema's type name, ``None`` for every label),
    ``template`` (the message, ``{label}`` filled in) and ``valid``."""

    label_type: str | None = None
    template: str = ""

    def valid(self, value: str) -> bool:
        raise NotImplementedError

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[tuple[int, str]]:
        labels = [
            name
            for name, kind in ctx.label_schema.items()
            if self.label_type is None or kind == self.label_type
        ]
        for label in labels:
            for instruction in instructions:
                if instruction.keyword != "LABEL":
                    continue
                values = [v for k, v in instruction.env_pairs() if k == label]
                if any(not self.valid(v) for v in values):
                    yield instruction.start_line, self.template.format(label=label)
