"""RedundantTargetPlatform: ``FROM --platform=$TARGETPLATFORM`` says what a build does anyway."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule, expand_or_none, global_args
from dockyard.dockerfile.rules.buildkit._from import from_lines

__all__ = ["rule"]


class RedundantTargetPlatform(BuildKitRule):
    code = "RedundantTargetPlatform"
    message = (
        "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the "
        "default behavior"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        env, _ = global_args(df)
        for line in from_lines(df):
            if not line.platform:
                continue
            expansion = expand_or_none(line.platform, env, escape=df.escape)
            if expansion is None or expansion.matched != ["TARGETPLATFORM"]:
                continue
            if not expansion.unmatched and expansion.text == env["TARGETPLATFORM"]:
                message = (
                    f"Setting platform to predefined {line.platform} in FROM is redundant as "
                    "this is the default behavior"
                )
                yield self.finding(line.stage.start_line, ctx, message=message)


rule = RedundantTargetPlatform()
