"""FromAsCasing: ``FROM image as name`` mixes casings; write ``AS`` like ``FROM``."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]


class FromAsCasing(BuildKitRule):
    code = "FromAsCasing"
    message = "The 'as' keyword should match the case of the 'from' keyword"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for stage in df.stages:
            instruction = stage.from_instruction
            keyword, words = instruction.original_keyword, instruction.words
            if len(words) < 3:
                continue
            if keyword == keyword.lower():
                wanted = words[1].lower()
            elif keyword == keyword.upper():
                wanted = words[1].upper()
            else:
                continue  # a mixed-case FROM is ConsistentInstructionCasing's business
            if words[1] != wanted:
                message = f"'{words[1]}' and '{keyword}' keywords' casing do not match"
                yield self.finding(stage.start_line, ctx, message=message)


rule = FromAsCasing()
