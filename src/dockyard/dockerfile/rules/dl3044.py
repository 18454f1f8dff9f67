"""DL3044: inside one ``ENV``, a variable defined earlier in the same instruction is not yet
set when the others are expanded; ``ENV A=1 B=$A`` gives B the *old* value of A."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule

__all__ = ["rule"]


def _references(name: str, text: str) -> bool:
    """``${name}`` or a bare ``$name`` not followed by another name character."""
    return (
        "${" + name + "}" in text
        or re.search(r"\$" + re.escape(name) + r"(?![A-Za-z0-9_])", text) is not None
    )


def _self_referencing(pairs: list[tuple[str, str]]) -> list[str]:
    return [
        name
        for index, (name, _) in enumerate(pairs)
        if any(_references(name, value) for other, (_, value) in enumerate(pairs) if other != index)
    ]


class DL3044(StreamRule):
    code = "DL3044"
    severity = Severity.ERROR
    message = (
        "Do not refer to an environment variable within the same `ENV` statement where it is "
        "defined."
    )

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        known: set[str] = set()
        for instruction in instructions:
            if instruction.keyword == "ARG":
                known.update(name for name, _ in instruction.arg_pairs())
            elif instruction.keyword == "ENV":
                pairs = instruction.env_pairs()
                if any(name not in known for name in _self_referencing(pairs)):
                    yield instruction.start_line
                known.update(name for name, _ in pairs)


rule = DL3044()
