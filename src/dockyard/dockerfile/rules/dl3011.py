"""DL3011: a port outside 0-65535 cannot exist; docker refuses it when the container starts,
long after the build succeeded."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


def _too_high(spec: str) -> bool:
    ports = spec.split("/", 1)[0].split("-")
    return any(port.isdigit() and int(port) > 65535 for port in ports)


def _violates(instruction: Instruction) -> bool:
    return instruction.keyword == "EXPOSE" and any(_too_high(w) for w in instruction.words)


class DL3011(InstructionRule):
    code = "DL3011"
    severity = Severity.ERROR
    message = "Valid UNIX ports range from 0 to 65535"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3011()
