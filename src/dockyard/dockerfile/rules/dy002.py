"""DY002: ``apt-get update`` alone in its layer.

The layer with the package index is cached; months later a change to the next RUN reuses that old
index, and ``apt-get install`` asks for versions the mirror no longer has (404) or installs
outdated ones. Updating and installing in the same RUN keeps index and packages in one layer.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import commands_of

__all__ = ["rule"]

_INDEX_UPDATE = {"apt-get": "update", "apt": "update", "apk": "update"}
_USES_INDEX = {
    "apt-get": {"install", "upgrade", "dist-upgrade", "full-upgrade", "source", "build-dep"},
    "apt": {"install", "upgrade", "full-upgrade", "dist-upgrade"},
    "apk": {"add", "upgrade"},
}


class DY002(Rule):
    code = "DY002"
    severity = Severity.WARNING
    message = (
        "`{tool} update` alone in its layer: that layer is cached with the index of the day it "
        "was built, so a later install reuses a stale index (404s, old versions). Update and "
        "install in the same RUN: `{tool} update && {tool} install ...`"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction in df.instructions:
            commands = commands_of(instruction)
            updated = [c.basename for c in commands if _is_update(c.basename, c.subcommand)]
            used = {c.basename for c in commands if c.subcommand in _USES_INDEX.get(c.basename, ())}
            for tool in dict.fromkeys(updated):
                if tool not in used and not ({"apt", "apt-get"} & used and tool != "apk"):
                    message = self.message.format(tool=tool)
                    yield self.finding(instruction.start_line, ctx, message=message)


def _is_update(tool: str, subcommand: str | None) -> bool:
    return subcommand is not None and _INDEX_UPDATE.get(tool) == subcommand


rule = DY002()
