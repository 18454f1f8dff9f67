"""ConsistentInstructionCasing: keywords written in the minority casing (upper vs lower) of the
file's instructions; mixed-case keywords (``From``) are always reported. Instructions before the
first ``FROM`` are neither counted nor checked, as in BuildKit."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]


class ConsistentInstructionCasing(BuildKitRule):
    code = "ConsistentInstructionCasing"
    message = (
        "All commands within the Dockerfile should use the same casing (either upper or lower)"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        staged = [i for stage in df.stages for i in stage.instructions]
        lower = sum(1 for i in staged if i.original_keyword == i.original_keyword.lower())
        upper = sum(1 for i in staged if i.original_keyword == i.original_keyword.upper())
        majority_lower = lower > upper
        for instruction in staged:
            keyword = instruction.original_keyword
            wanted = keyword.lower() if majority_lower else keyword.upper()
            if keyword != wanted:
                casing = "lowercase" if majority_lower else "uppercase"
                message = f"Command '{keyword}' should match the case of the command majority "
                yield self.finding(instruction.start_line, ctx, message=message + f"({casing})")


rule = ConsistentInstructionCasing()
