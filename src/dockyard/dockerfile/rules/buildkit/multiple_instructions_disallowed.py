"""MultipleInstructionsDisallowed: a second ``CMD``, ``ENTRYPOINT`` or ``HEALTHCHECK`` in a
stage overrides the first; BuildKit reports the one that is overridden (the earlier line)."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]

_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


class MultipleInstructionsDisallowed(BuildKitRule):
    code = "MultipleInstructionsDisallowed"
    message = "Multiple instructions of the same type should not be used in the same stage"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for stage in df.stages:
            last: dict[str, Instruction] = {}
            for instruction in stage.instructions:
                if instruction.keyword not in _ONCE:
                    continue
                earlier = last.get(instruction.keyword)
                if earlier is not None:
                    message = (
                        f"Multiple {instruction.original_keyword} instructions should not be "
                        "used in the same stage because only the last one will be used"
                    )
                    yield self.finding(earlier.start_line, ctx, message=message)
                last[instruction.keyword] = instruction


rule = MultipleInstructionsDisallowed()
