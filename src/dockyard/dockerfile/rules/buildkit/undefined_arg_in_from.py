"""UndefinedArgInFrom: ``FROM`` (its image or ``--platform``) names an argument that no global
``ARG`` declares, so it expands to nothing; BuildKit's predefined platform arguments count as
declared."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import (
    BuildKitRule,
    expand_or_none,
    global_args,
    suggest,
)
from dockyard.dockerfile.rules.buildkit._from import from_lines

__all__ = ["rule"]


class UndefinedArgInFrom(BuildKitRule):
    code = "UndefinedArgInFrom"
    message = "FROM command must use declared ARGs"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        env, names = global_args(df)
        declared = list(dict.fromkeys([*names, *env]))
        for line in from_lines(df):
            for word in (line.base, line.platform):
                if word is None:
                    continue
                expansion = expand_or_none(word, env, escape=df.escape)
                if expansion is None:
                    continue
                for name in expansion.unmatched:
                    if name in declared:
                        continue
                    hint = suggest(name, declared)
                    message = f"FROM argument '{name}' is not declared" + (
                        f" (did you mean {hint}?)" if hint else ""
                    )
                    yield self.finding(line.stage.start_line, ctx, message=message)


rule = UndefinedArgInFrom()
