"""DL3041: an unpinned ``dnf install`` takes whatever the repository serves on build day; a
``name-version`` pins it (a ``${VAR}`` from an ARG or this stage's ENV counts as a version)."""

from __future__ import annotations

from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import rpm_packages_pinned

__all__ = ["rule"]


class DL3041(StreamRule):
    code = "DL3041"
    severity = Severity.WARNING
    message = "Specify version with `dnf install -y <package>-<version>`."
    onbuild = True

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterable[int]:
        return rpm_packages_pinned(
            instructions, tools=("dnf", "microdnf"), skip_verbs=("module", "group")
        )


rule = DL3041()
