"""DL3066: a user *name* is resolved inside the container from its /etc/passwd; the host, volume
permissions and Kubernetes' ``runAsNonRoot`` only understand numbers. ``USER 10001`` (or an ARG
holding the number) states what the kernel will see."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule

__all__ = ["rule"]


class DL3066(StreamRule):
    code = "DL3066"
    severity = Severity.INFO
    message = "Non-numeric user-id may not be resolvable by host system"

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        args: set[str] = set()
        for instruction in instructions:
            if instruction.keyword == "ARG":
                args.update(name for name, _ in instruction.arg_pairs())
            elif instruction.keyword == "USER":
                user = instruction.arguments.strip()
                uid = user.split(":", 1)[0]
                from_arg = any(f"${{{name}}}" in user or f"${name}" in user for name in args)
                if not (uid.isdigit() or uid == "" or from_arg):
                    yield instruction.start_line


rule = DL3066()
