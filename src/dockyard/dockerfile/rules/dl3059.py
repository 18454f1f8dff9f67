"""DL3059: each RUN is a layer; consecutive one-command RUNs with the same flags cost layers
and cache lookups for nothing. RUNs that already chain commands are left alone: splitting them is
usually deliberate, for the build cache.

hadolint's threshold reads "more than two commands", but ShellCheck's syntax tree holds every
simple command twice (the command and its redirection wrapper), so in practice hadolint exempts
any RUN with more than one command; dockyard counts commands once and uses that real threshold."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule, run_script

__all__ = ["rule"]

_FLAGS = ("mount", "network", "security")


def _flags(instruction: Instruction) -> frozenset[tuple[str, str | None]]:
    return frozenset((f.name, f.value) for f in instruction.flags if f.name in _FLAGS)


class DL3059(StreamRule):
    code = "DL3059"
    severity = Severity.INFO
    message = "Multiple consecutive `RUN` instructions. Consider consolidation."

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        previous: tuple[frozenset[tuple[str, str | None]], int] | None = None
        for instruction in instructions:
            script = run_script(instruction)
            if script is None:
                previous = None
                continue
            current = (_flags(instruction), len(script.commands))
            if previous is None or previous[0] != current[0] or max(previous[1], current[1]) > 1:
                previous = current
            else:
                yield instruction.start_line


rule = DL3059()
