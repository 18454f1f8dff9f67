"""DL3025: in shell form, CMD/ENTRYPOINT run under ``/bin/sh -c``: the program is not PID 1,
gets no SIGTERM on ``docker stop`` and is killed after the grace period."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


def _healthcheck_shell_form(instruction: Instruction) -> bool:
    words = instruction.arguments.split(None, 1)
    if not words or words[0].upper() != "CMD":
        return False
    return not (len(words) > 1 and words[1].lstrip().startswith("["))


def _violates(instruction: Instruction) -> bool:
    if instruction.keyword in ("CMD", "ENTRYPOINT"):
        return instruction.json_args is None
    if instruction.keyword == "HEALTHCHECK":
        return _healthcheck_shell_form(instruction)
    return False


class DL3025(InstructionRule):
    code = "DL3025"
    severity = Severity.WARNING
    message = "Use arguments JSON notation for CMD and ENTRYPOINT arguments"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3025()
