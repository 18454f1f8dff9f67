"""DY003: curl or wget installed to fetch something during the build, then left in the image.

A download tool the running program never calls is weight (curl brings libcurl, TLS and LDAP
libraries) and a gift to an attacker who gets a shell: it fetches their next stage. Remove it in
the RUN that used it, use ``ADD --checksum=`` for the download, or fetch in a build stage.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity, shell_of
from dockyard.dockerfile.rules._facts import (
    commands_of,
    final_stage,
    package_changes,
    stage_instructions,
)

__all__ = ["rule"]

_TOOLS = ("curl", "wget")
_RUNTIME = {"CMD", "ENTRYPOINT", "HEALTHCHECK"}


class DY003(Rule):
    code = "DY003"
    severity = Severity.INFO
    message = (
        "{tool} is installed to download something during the build and stays in the final "
        "image: weight, and a ready download tool for an intruder. Remove it in the RUN that "
        "uses it (`apt-get purge -y {tool}`, `apk del`), use `ADD --checksum=...`, or download "
        "in a build stage"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None:
            return
        instructions = stage_instructions(df, stage)
        for tool in _TOOLS:
            installed_at = _installed_and_kept(instructions, tool)
            if installed_at is None:
                continue
            if _used_in_run(instructions, tool) and not _used_at_runtime(instructions, tool):
                yield self.finding(installed_at, ctx, message=self.message.format(tool=tool))


def _installed_and_kept(instructions: list[Instruction], tool: str) -> int | None:
    """Line of the RUN that installs ``tool``, if nothing removes it afterwards."""
    installed_at: int | None = None
    virtual_groups: dict[str, int] = {}
    for instruction in instructions:
        for change in package_changes(instruction):
            if change.action == "install" and tool in change.packages:
                installed_at = change.line
                if change.virtual:
                    virtual_groups[change.virtual] = change.line
            elif change.action == "remove" and installed_at is not None:
                removed_group = any(virtual_groups.get(p) == installed_at for p in change.packages)
                if tool in change.packages or removed_group:
                    installed_at = None
    return installed_at


def _used_in_run(instructions: list[Instruction], tool: str) -> bool:
    return any(c.basename == tool for i in instructions for c in commands_of(i))


def _used_at_runtime(instructions: list[Instruction], tool: str) -> bool:
    for instruction in instructions:
        if instruction.keyword not in _RUNTIME:
            continue
        if instruction.json_args is not None and tool in " ".join(instruction.json_args):
            return True
        if tool in instruction.arguments:
            return True
    return any(
        tool in " ".join(c.args) for i in instructions if i.keyword == "RUN"
        for c in shell_of(i).commands if c.name in ("ln", "cp", "install")
    )  # fmt: skip


rule = DY003()
