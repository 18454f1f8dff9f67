"""LegacyKeyValueFormat: ``ENV name value`` / ``LABEL name value`` sets one variable to the whole
rest of the line, a surprise when a second pair is added; ``name=value`` is unambiguous."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]


class LegacyKeyValueFormat(BuildKitRule):
    code = "LegacyKeyValueFormat"
    message = "Legacy key/value format with whitespace separator should not be used"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for stage in df.stages:
            for instruction in stage.instructions:
                if instruction.uses_legacy_key_value:
                    name = instruction.original_keyword
                    message = (
                        f'"{name} key=value" should be used instead of legacy "{name} key value" '
                        "format"
                    )
                    yield self.finding(instruction.start_line, ctx, message=message)


rule = LegacyKeyValueFormat()
