"""DL4001: curl and wget do the same job; installing and using both in one image doubles the
download tools an attacker (and the image size) gets."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule, run_script

__all__ = ["rule"]


class DL4001(StreamRule):
    code = "DL4001"
    severity = Severity.WARNING
    message = "Either use Wget or Curl but not both"
    onbuild = True

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        used: set[str] = set()
        for instruction in instructions:
            if instruction.keyword == "FROM":
                used = set()
            script = run_script(instruction)
            if script is None:
                continue
            here = {name for name in script.names if name in ("curl", "wget")}
            used |= here
            if here and len(used) >= 2:
                yield instruction.start_line


rule = DL4001()
