"""DL3020: ADD also downloads URLs and unpacks archives; for plain files COPY says exactly what
happens, so ADD is kept for the cases that need its extra powers."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity
from dockyard.dockerfile.rules.dlbase import ARCHIVE_EXTENSIONS, drop_quotes

__all__ = ["rule"]


def sources(instruction: Instruction) -> list[str]:
    """The source words of a COPY/ADD (every word but the destination)."""
    words = instruction.json_args if instruction.json_args is not None else instruction.words
    return list(words[:-1])


def _needs_add(source: str) -> bool:
    source = drop_quotes(source)
    return source.endswith(ARCHIVE_EXTENSIONS) or source.startswith(("https://", "http://"))


def _violates(instruction: Instruction) -> bool:
    if instruction.keyword != "ADD":
        return False
    return not all(_needs_add(source) for source in sources(instruction))


class DL3020(InstructionRule):
    code = "DL3020"
    severity = Severity.ERROR
    message = "Use COPY instead of ADD for files and folders"

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3020()
