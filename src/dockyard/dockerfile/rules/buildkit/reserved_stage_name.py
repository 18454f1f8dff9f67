"""ReservedStageName: ``scratch`` and ``context`` mean something else to BuildKit."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]

RESERVED = frozenset({"context", "scratch"})


class ReservedStageName(BuildKitRule):
    code = "ReservedStageName"
    message = "Reserved words should not be used as stage names"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for stage in df.stages:
            if stage.name in RESERVED:
                message = (
                    f'Stage name should not use the same name as reserved stage "{stage.name}"'
                )
                yield self.finding(stage.start_line, ctx, message=message)


rule = ReservedStageName()
