"""DY001: the image runs as root, because its final stage sets no USER.

hadolint's DL3002 speaks when the last USER line says root; with no USER at all it is silent,
yet the process then runs as uid 0: a bug in it is root inside the container, and root on the
host too whenever a volume, the Docker socket or a kernel flaw lets it reach out. A final
``USER root`` is DL3002's finding, not reported twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import final_stage, stage_instructions

__all__ = ["rule"]

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

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None or stage.base_resolved.lower().endswith(_NON_ROOT_TAGS):
            return
        if not any(i.keyword == "USER" for i in stage_instructions(df, stage)):
            yield self.finding(stage.start_line, ctx)


rule = DY001()
