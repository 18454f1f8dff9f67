"""DL3000: a relative WORKDIR depends on whatever the base image left as working directory."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


class DL3000(InstructionRule):
    code = "DL3000"
    severity = Severity.ERROR
    message = "Use absolute WORKDIR"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        if instruction.keyword != "WORKDIR":
            return True
        path = instruction.arguments.strip("\"'")
        return path.startswith(("$", "/")) or _windows_absolute(path)


def _windows_absolute(path: str) -> bool:
    return len(path) >= 2 and path[0].isalpha() and path[1] == ":"


rule = DL3000()
