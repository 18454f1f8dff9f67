"""DL3001: interactive or host-management commands (ssh, vim, service, top...) do nothing useful in
an image build, where no terminal, init system or other processes exist."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]

_PROGRAMS = frozenset({"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"})


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and any(name in _PROGRAMS for name in script.names)


class DL3001(InstructionRule):
    code = "DL3001"
    severity = Severity.INFO
    message = (
        "For some bash commands it makes no sense running them in a Docker container like `ssh`, "
        "`vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3001()
