"""DL3014: a build has no one to answer apt-get's confirmation prompt; without ``-y`` the
install aborts (or hangs) instead of installing."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _fails(command: Command) -> bool:
    if not command.has_args("apt-get", "install"):
        return False
    answered = (
        command.has_flag("y", "yes", "qq", "assume-yes")
        or command.count_flag("q") == 2
        or command.count_flag("quiet") == 2
        or command.has_arg("-q=2")
    )
    return not answered


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3014(InstructionRule):
    code = "DL3014"
    severity = Severity.WARNING
    message = "Use the `-y` switch to avoid manual input `apt-get -y install <package>`"
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3014()
