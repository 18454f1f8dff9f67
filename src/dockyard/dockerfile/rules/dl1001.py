"""DL1001: inline ``# hadolint ignore=`` pragmas hide findings one instruction at a time, where
nobody reviews them; teams that want exceptions in the configuration file turn this rule on.
Level ``ignore`` by default, as in hadolint."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity

__all__ = ["rule"]

_INLINE_IGNORE = re.compile(r"^(?:hadolint|dockyard)[ \t]+ignore[ \t]*=")


class DL1001(Rule):
    code = "DL1001"
    severity = Severity.IGNORE
    message = "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`."

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for comment in df.comments:
            if _INLINE_IGNORE.match(comment.text):
                yield self.finding(comment.line, ctx)


rule = DL1001()
