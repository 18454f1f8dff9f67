"""DL3027: ``apt`` has no stable command-line interface and warns so itself when scripted;
``apt-get``/``apt-cache`` are the interfaces meant for scripts."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]

_PROGRAMS = frozenset({"apt"})


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and any(name in _PROGRAMS for name in script.names)


class DL3027(InstructionRule):
    code = "DL3027"
    severity = Severity.WARNING
    message = (
        "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3027()
