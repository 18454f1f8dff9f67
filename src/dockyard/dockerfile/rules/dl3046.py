"""DL3046: without ``-l`` useradd writes the lastlog/faillog records of every uid up to the new
one, a sparse file that becomes gigabytes in a layer for a high uid."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _fails(command: Command) -> bool:
    if command.name != "useradd" or command.has_flag("l", "no-log-init"):
        return False
    high_uid = any(len(uid) > 5 for uid in command.flag_values("u"))
    return command.has_flag("u", "uid") and high_uid


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3046(InstructionRule):
    code = "DL3046"
    severity = Severity.WARNING
    message = "`useradd` without flag `-l` and high UID will result in excessively large Image."
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3046()
