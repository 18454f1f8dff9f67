"""WorkdirRelativePath: the first ``WORKDIR`` of a stage is relative, so where it lands depends
on the base image's working directory."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule, expand_or_none, walk_stages

__all__ = ["rule"]


class WorkdirRelativePath(BuildKitRule):
    code = "WorkdirRelativePath"
    message = (
        "Relative workdir without an absolute workdir declared within the build can have "
        "unexpected results if the base image changes"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction, state in walk_stages(df):
            if instruction.keyword != "WORKDIR" or state.workdir_set:
                continue
            expanded = expand_or_none(instruction.arguments, state.env, escape=df.escape)
            path = expanded.text if expanded is not None else instruction.arguments
            if not path.startswith("/"):
                message = (
                    f'Relative workdir "{path}" can have unexpected results if the base image '
                    "changes"
                )
                yield self.finding(instruction.start_line, ctx, message=message)


rule = WorkdirRelativePath()
