"""DL3004: builds already run as root unless USER says otherwise; sudo adds a TTY- and
configuration-dependent layer that behaves differently across images (use USER, or gosu at run
time)."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]

_PROGRAMS = frozenset({"sudo"})


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and any(name in _PROGRAMS for name in script.names)


class DL3004(InstructionRule):
    code = "DL3004"
    severity = Severity.ERROR
    message = (
        "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to "
        "enforce root"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3004()
