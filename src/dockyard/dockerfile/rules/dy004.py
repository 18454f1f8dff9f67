"""DY004: an auto-remove that takes ca-certificates away with curl or wget.

``ca-certificates`` usually arrives as a recommended package of curl or wget (installs without
``--no-install-recommends``), so apt marks it automatically installed. ``apt-get purge
--auto-remove curl`` (or a later ``apt-get autoremove``) then removes it too, and the program
fails every TLS connection at run time (Python's ``CERTIFICATE_VERIFY_FAILED``, Go's
``x509: certificate signed by unknown authority``). Naming ``ca-certificates`` in the install
marks it manual and keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import (
    commands_of,
    final_stage,
    package_changes,
    stage_instructions,
)

__all__ = ["rule"]

_BRINGERS = {"curl", "wget", "gnupg", "gnupg2", "openssl", "git"}
_APT = {"apt-get", "apt"}


class DY004(Rule):
    code = "DY004"
    severity = Severity.WARNING
    message = (
        "This auto-remove also removes ca-certificates, which came in with {tools} and was never "
        "installed by name: the program then fails TLS at run time (CERTIFICATE_VERIFY_FAILED, "
        "x509: certificate signed by unknown authority). Install `ca-certificates` explicitly "
        "so apt keeps it"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None:
            return
        brought: list[str] = []
        kept = False
        for instruction in stage_instructions(df, stage):
            kept = kept or _marks_manual(instruction)
            for change in package_changes(instruction):
                if change.manager not in _APT:
                    continue
                if change.action == "install":
                    kept = kept or "ca-certificates" in change.packages
                    if change.recommends:
                        brought += [p for p in change.packages if p in _BRINGERS]
                elif change.auto_remove and brought and not kept:
                    tools = " and ".join(sorted(set(brought)))
                    yield self.finding(change.line, ctx, message=self.message.format(tools=tools))
                    brought = []


def _marks_manual(instruction: Instruction) -> bool:
    """``apt-mark manual ca-certificates`` keeps it through an auto-remove too."""
    return any(
        c.basename == "apt-mark" and "manual" in c.args and "ca-certificates" in c.args
        for c in commands_of(instruction)
    )


rule = DY004()
