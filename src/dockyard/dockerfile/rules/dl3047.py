"""DL3047: wget's default progress bar writes thousands of lines into the build log when there is
no terminal; a quieter progress mode keeps logs readable."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _fails(command: Command) -> bool:
    if command.name != "wget":
        return False
    quiet = (
        command.has_flag("progress")
        or command.has_flag("q", "quiet", "o", "output-file", "a", "append-output")
        or command.has_flag("no-verbose")
        or command.has_arg("-nv")
    )
    return not quiet


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3047(InstructionRule):
    code = "DL3047"
    severity = Severity.INFO
    message = (
        "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. "
        "Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`)."
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3047()
