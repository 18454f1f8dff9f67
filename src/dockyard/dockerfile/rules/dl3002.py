"""DL3002: when the last USER of a stage is root, the container's process runs with every
privilege; a stage should end as an unprivileged user."""

from __future__ import annotations

from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule

__all__ = ["rule"]


def _is_root(user: str) -> bool:
    return user in ("root", "0") or user.startswith(("root:", "0:"))


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    del ctx
    stage: int | None = None
    last_root: dict[int, int] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            stage = instruction.start_line
        elif instruction.keyword == "USER" and stage is not None:
            if _is_root(instruction.arguments.strip()):
                last_root[stage] = instruction.start_line
            else:
                last_root.pop(stage, None)
    return sorted(last_root.values())


class DL3002(StreamRule):
    code = "DL3002"
    severity = Severity.WARNING
    message = "Last USER should not be root"

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3002()
