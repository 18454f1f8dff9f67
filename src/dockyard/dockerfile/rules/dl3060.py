"""DL3060: ``yarn install`` fills yarn's cache (often hundreds of megabytes); without
``yarn cache clean`` afterwards in the same RUN it ships in the image. Only stages that end up in
the image count: the last one, or one another stage builds on."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command, Script
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule, run_script
from dockyard.dockerfile.rules.dlbase import BaseImage, base_image, cache_mount_with

__all__ = ["rule"]

_NO_IMAGE = BaseImage(None, "scratch", None, None, None, None)


def _installs(command: Command) -> bool:
    return command.has_args("yarn", "install")


def _cleans(command: Command) -> bool:
    return command.has_args("yarn", "cache", "clean")


def _forgets(script: Script, instruction: Instruction) -> bool:
    if not script.any(_installs):
        return False
    if script.none(_cleans):
        return not cache_mount_with(instruction, ".cache/yarn")
    clean, install = script.index(_cleans), script.index(_installs)
    return clean is not None and install is not None and clean < install


class DL3060(StreamRule):
    code = "DL3060"
    severity = Severity.INFO
    message = "`yarn cache clean` missing after `yarn install` was run."
    onbuild = True

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        current = _NO_IMAGE
        bases: set[str] = set()
        forgotten: dict[int, BaseImage] = {}
        for instruction in instructions:
            if instruction.keyword == "FROM":
                current = base_image(instruction)
                bases.add(current.name)
                continue
            script = run_script(instruction)
            if script is not None and _forgets(script, instruction):
                forgotten[instruction.start_line] = current
        yield from sorted(
            line
            for line, stage in forgotten.items()
            if stage == current or (stage.alias is not None and stage.alias in bases)
        )


rule = DL3060()
