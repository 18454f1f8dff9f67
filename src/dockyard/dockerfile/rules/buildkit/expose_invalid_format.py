"""ExposeInvalidFormat: ``EXPOSE 8080:80`` or ``EXPOSE 127.0.0.1:80``; an image cannot publish
ports, only declare them (``docker run -p`` publishes), so the host part is ignored."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule
from dockyard.dockerfile.rules.buildkit._ports import exposed_ports

__all__ = ["rule"]


class ExposeInvalidFormat(BuildKitRule):
    code = "ExposeInvalidFormat"
    message = (
        "IP address and host-port mapping should not be used in EXPOSE instruction. This will "
        "become an error in a future release"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction, ports in exposed_ports(df):
            for port in ports:
                if port.ip or port.host_port:
                    message = (
                        "EXPOSE instruction should not define an IP address or host-port "
                        f"mapping, found '{port.raw}'"
                    )
                    yield self.finding(instruction.start_line, ctx, message=message)


rule = ExposeInvalidFormat()
