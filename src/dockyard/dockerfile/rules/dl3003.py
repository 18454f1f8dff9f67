"""DL3003: ``cd`` in a RUN lasts for that RUN only; WORKDIR states the directory for every later
instruction and for the container, and fails loudly when it is wrong."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]

_PROGRAMS = frozenset({"cd"})


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and any(name in _PROGRAMS for name in script.names)


class DL3003(InstructionRule):
    code = "DL3003"
    severity = Severity.WARNING
    message = "Use WORKDIR to switch to a directory"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3003()
