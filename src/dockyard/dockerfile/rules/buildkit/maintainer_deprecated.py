"""MaintainerDeprecated: ``MAINTAINER`` is deprecated; use the label
``org.opencontainers.image.authors``."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]


class MaintainerDeprecated(BuildKitRule):
    code = "MaintainerDeprecated"
    message = "Maintainer instruction is deprecated in favor of using label"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction in df.instructions:
            if instruction.keyword == "MAINTAINER":
                yield self.finding(instruction.start_line, ctx)


rule = MaintainerDeprecated()
