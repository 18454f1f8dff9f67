"""DL3040: dnf keeps downloaded packages and metadata in its cache; without ``dnf clean all`` in
the same RUN they ship in the layer."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command, Script
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script
from dockyard.dockerfile.rules.dlbase import cache_mount_with, cleaned_after

__all__ = ["rule"]


_VERBS = ("install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei")


def _clean_missing(script: Script, tool: str) -> bool:
    def installs(command: Command) -> bool:
        return command.has_args(tool, *_VERBS)

    def cleans(command: Command) -> bool:
        return command.has_args(tool, "clean", "all") or command.has_args(
            "rm", "-rf", "/var/cache/libdnf5*"
        )

    return not cleaned_after(script, installs, cleans)


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    if script is None or any(
        cache_mount_with(instruction, path) for path in ("/var/cache/libdnf5", ".cache/libdnf5")
    ):
        return False
    return any(_clean_missing(script, tool) for tool in ("dnf", "microdnf"))


class DL3040(InstructionRule):
    code = "DL3040"
    severity = Severity.WARNING
    message = "`dnf clean all` missing after dnf command."
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3040()
