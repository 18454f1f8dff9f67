"""NoEmptyContinuation: an empty line inside a continued instruction (an error in future
BuildKit releases). Reported on the instruction's last continued line, as BuildKit does; a
comment line inside the continuation is not empty."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule

__all__ = ["rule"]


def _continues(line: str, escape: str) -> bool:
    token = re.escape(escape)
    return re.search(f"(^|[^{token}]){token}[ \t]*$", line) is not None


class NoEmptyContinuation(BuildKitRule):
    code = "NoEmptyContinuation"
    message = "Empty continuation line"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction in df.instructions:
            index = instruction.start_line - 1
            more = _continues(df.lines[index], df.escape)
            empty = False
            while more and index + 1 < len(df.lines):
                index += 1
                line = df.lines[index]
                if line.lstrip().startswith("#"):
                    continue
                if not line.strip():
                    empty = True
                    continue
                more = _continues(line, df.escape)
            if empty:
                yield self.finding(index + 1, ctx)


rule = NoEmptyContinuation()
