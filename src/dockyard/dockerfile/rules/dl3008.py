"""DL3008: an unpinned ``apt-get install`` installs whatever the mirror has on build day, so two
builds of one Dockerfile differ and a broken upstream release breaks the build unannounced."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _pinned(package: str) -> bool:
    return "=" in package or "/" in package or package.endswith(".deb")


def _fails(command: Command) -> bool:
    if not command.has_args("apt-get", "install"):
        return False
    packages = command.args_no_flags(drop_values_of=("t", "target-release"))
    return not all(_pinned(p) for p in packages if p != "install")


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3008(InstructionRule):
    code = "DL3008"
    severity = Severity.WARNING
    message = (
        "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get "
        "install <package>=<version>`"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3008()
