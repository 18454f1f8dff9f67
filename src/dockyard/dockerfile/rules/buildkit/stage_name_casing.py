"""StageNameCasing: a stage name is matched case-insensitively, so write it in lower case."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]


class StageNameCasing(BuildKitRule):
    code = "StageNameCasing"
    message = "Stage names should be lowercase"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for stage in df.stages:
            words = stage.from_instruction.words
            if len(words) == 3 and words[2] != words[2].lower():
                message = f"Stage name '{words[2]}' should be lowercase"
                yield self.finding(stage.start_line, ctx, message=message)


rule = StageNameCasing()
