"""ExposeProtoCasing: ``EXPOSE 80/TCP``; protocols are lower case (``tcp``, ``udp``, ``sctp``)."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule
from dockyard.dockerfile.rules.buildkit._ports import exposed_ports

__all__ = ["rule"]


class ExposeProtoCasing(BuildKitRule):
    code = "ExposeProtoCasing"
    message = "Protocol in EXPOSE instruction should be lowercase"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction, ports in exposed_ports(df):
            for port in ports:
                if port.proto != port.proto.lower():
                    message = (
                        f"Defined protocol '{port.raw}' in EXPOSE instruction should be lowercase"
                    )
                    yield self.finding(instruction.start_line, ctx, message=message)


rule = ExposeProtoCasing()
