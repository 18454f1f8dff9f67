"""DL3016: an unpinned ``npm install <package>`` takes the newest release on build day; pin it
(``name@version``, a git ref, a tarball or a local folder)."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


_GIT = ("git://", "git+ssh://", "git+http://", "git+https://")


def _pinned(package: str) -> bool:
    if package.startswith(_GIT):
        return "#" in package
    if package.endswith((".tar", ".tar.gz", ".tgz")) or package.startswith(
        ("/", "./", "../", "~/")
    ):
        return True
    unscoped = package
    if package.startswith("@"):  # hadolint drops the scope: every character above "/"
        position = 0
        while position < len(package) and package[position] > "/":
            position += 1
        unscoped = package[position:]
    return "@" in unscoped


def _fails(command: Command) -> bool:
    if not command.has_args("npm", "install"):
        return False
    words = command.args_no_flags(drop_values_of=("loglevel", "registry"))
    if not words or words[0] != "install":
        return False
    while words and words[0] == "install":
        words.pop(0)
    return not all(_pinned(p) for p in words)


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3016(InstructionRule):
    code = "DL3016"
    severity = Severity.WARNING
    message = (
        "Pin versions in npm. Instead of `npm install <package>` use `npm install "
        "<package>@<version>`"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3016()
