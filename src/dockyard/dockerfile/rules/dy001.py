"""DY001: the image runs as root, because its final stage sets no USER or ends on ``USER root``.

hadolint only speaks when a USER line says root; with no USER at all it is silent, yet the
process then runs as uid 0: a bug in it is root inside the container, and root on the host too
whenever a volume, the Docker socket or a kernel flaw lets it reach out.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import final_stage, stage_instructions

__all__ = ["rule"]

_ROOT = {"root", "0"}
_NON_ROOT_TAGS = ("nonroot", "rootless", "non-root")


class DY001(Rule):
    code = "DY001"
    severity = Severity.WARNING
    message = (
        "The image runs as root: no USER in the final stage, so the process is uid 0 and any bug "
        "in it is root in the container (and on the host through volumes or the socket). Add a "
        "non-root user, e.g. `RUN useradd -r -u 10001 app` and `USER 10001`, after installing "
        "packages"
    )
    root_message = (
        "The image runs as root: the last USER of the final stage is root, so the process is "
        "uid 0. Switch to a non-root user (`USER 10001`) after the steps that need root"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None or stage.base_resolved.lower().endswith(_NON_ROOT_TAGS):
            return
        users = [i for i in stage_instructions(df, stage) if i.keyword == "USER"]
        if not users:
            yield self.finding(stage.start_line, ctx)
            return
        last = users[-1]
        name = last.arguments.strip().split(":", 1)[0].strip("\"'")
        if name in _ROOT:
            yield self.finding(last.start_line, ctx, message=self.root_message)


rule = DY001()
