"""DL3045: a relative COPY destination lands in the base image's working directory, which the
Dockerfile does not state and the base may change; set WORKDIR first (it carries over to stages
built on this one) or use an absolute path."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import base_image

__all__ = ["rule"]


def _absolute(destination: str) -> bool:
    path = destination.strip("'\"")
    windows = len(path) >= 2 and path[0].isalpha() and path[1] == ":"
    return path.startswith(("/", "$")) or windows


class DL3045(StreamRule):
    code = "DL3045"
    severity = Severity.WARNING
    message = "`COPY` to a relative destination without `WORKDIR` set."

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        stage: str | None = None
        workdir: dict[str | None, bool] = {}
        for instruction in instructions:
            if instruction.keyword == "FROM":
                image = base_image(instruction)
                stage = image.alias or image.name
                workdir[stage] = workdir.get(image.name, False)
            elif instruction.keyword == "WORKDIR":
                workdir[stage] = True
            elif instruction.keyword == "COPY" and not workdir.get(stage, False):
                words = instruction.json_args or instruction.words
                if words and not _absolute(words[-1]):
                    yield instruction.start_line


rule = DL3045()
