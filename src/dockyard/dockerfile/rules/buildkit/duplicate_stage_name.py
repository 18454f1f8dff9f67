"""DuplicateStageName: two stages with one name; ``--target`` and ``--from`` pick the first."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]


class DuplicateStageName(BuildKitRule):
    code = "DuplicateStageName"
    message = "Stage names should be unique"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        seen: set[str] = set()
        for stage in df.stages:
            if stage.name is None:
                continue
            if stage.name in seen:
                message = f'Duplicate stage name "{stage.name}", stage names should be unique'
                yield self.finding(stage.start_line, ctx, message=message)
            seen.add(stage.name)


rule = DuplicateStageName()
