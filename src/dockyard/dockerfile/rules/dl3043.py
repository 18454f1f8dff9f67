"""DL3043: ``ONBUILD`` may not trigger ``ONBUILD``, ``FROM`` or ``MAINTAINER``; docker refuses
them. dockyard's parser already reports these as syntax errors (as BuildKit does); the rule keeps
hadolint's code for files read by other means and for ignore lists that name it."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]


class DL3043(InstructionRule):
    code = "DL3043"
    severity = Severity.ERROR
    message = "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction."

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        trigger = instruction.onbuild
        return trigger is None or trigger.keyword not in ("ONBUILD", "FROM", "MAINTAINER")


rule = DL3043()
