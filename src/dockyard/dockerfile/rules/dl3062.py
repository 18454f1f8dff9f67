"""DL3062: ``go install``/``go get``/``go run`` of a module without ``@version`` (or with
``@latest``) builds whatever was pushed last; pin a version for reproducible images."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Script
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


def _packages(script: Script) -> list[str]:
    """``go run``'s package (the word after ``run``), else every ``go install|get`` package."""
    run = [
        word
        for command in script.commands
        if command.has_args("go", "run")
        for index, word in enumerate(command.args_no_flags())
        if word != "run" and index <= 1
    ]
    if run:
        return run
    return [
        word
        for command in script.commands
        if command.has_args("go", "install", "get")
        for word in command.args_no_flags()
        if word not in ("install", "get", "tool")
    ]


def _pinned(package: str) -> bool:
    local = package == "." or package.startswith(("/", "."))
    return local or ("@" in package and not package.endswith(("@latest", "@none")))


class DL3062(InstructionRule):
    code = "DL3062"
    severity = Severity.WARNING
    message = (
        "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        script = run_script(instruction)
        return script is None or all(_pinned(p) for p in _packages(script))


rule = DL3062()
