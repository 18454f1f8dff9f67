"""JSONArgsRecommended: a shell-form ``CMD``/``ENTRYPOINT`` runs under ``/bin/sh -c``, which does
not pass signals on, so the process never sees ``docker stop``'s SIGTERM. Not reported once the
stage (or the stage it is built from) sets a ``SHELL``: the shell is then chosen on purpose."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule, walk_stages

__all__ = ["rule"]


class JSONArgsRecommended(BuildKitRule):
    code = "JSONArgsRecommended"
    message = (
        "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related "
        "to OS signals"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction, state in walk_stages(df):
            if instruction.keyword not in ("CMD", "ENTRYPOINT") or state.shell_set:
                continue
            if instruction.json_args is None:
                name = instruction.original_keyword
                message = (
                    f"JSON arguments recommended for {name} to prevent unintended behavior "
                    "related to OS signals"
                )
                yield self.finding(instruction.start_line, ctx, message=message)


rule = JSONArgsRecommended()
