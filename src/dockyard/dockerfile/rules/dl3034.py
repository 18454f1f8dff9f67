"""DL3034: zypper asks for confirmation and a build cannot answer; ``-n``/``-y`` makes it
non-interactive."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


_VERBS = ("install", "in", "remove", "rm", "source-install", "si", "patch")


def _fails(command: Command) -> bool:
    return command.has_args("zypper", *_VERBS) and not command.has_flag(
        "non-interactive", "n", "no-confirm", "y"
    )


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3034(InstructionRule):
    code = "DL3034"
    severity = Severity.WARNING
    message = "Non-interactive switch missing from `zypper` command: `zypper install -y`"
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3034()
