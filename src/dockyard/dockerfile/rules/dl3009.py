"""DL3009: ``apt-get update`` downloads package lists (tens of megabytes) into
/var/lib/apt/lists; left there they ship in the final image. Only stages that end up in the image
count: the last one, or one another stage builds on."""

from __future__ import annotations

from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command, Script
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule, run_script
from dockyard.dockerfile.rules.dlbase import BaseImage, base_image, cache_mount_with

__all__ = ["rule"]

_NO_IMAGE = BaseImage(None, "scratch", None, None, None, None)


def _updates(command: Command) -> bool:
    return any(command.has_args(tool, "update") for tool in ("apt", "apt-get", "aptitude"))


def _forgets_cleanup(script: Script) -> bool:
    cleans = script.any(lambda c: c.has_args("rm", "-rf", "/var/lib/apt/lists/*"))
    return script.any(_updates) and not cleans


def _cached(instruction: Instruction) -> bool:
    return cache_mount_with(instruction, "/var/lib/apt/lists") or (
        cache_mount_with(instruction, "/var/lib/apt")
        and cache_mount_with(instruction, "/var/cache/apt")
    )


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    del ctx
    current = _NO_IMAGE
    bases: set[str] = set()
    forgotten: dict[int, BaseImage] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            current = base_image(instruction)
            bases.add(current.name)
            continue
        script = run_script(instruction)
        if script is not None and _forgets_cleanup(script) and not _cached(instruction):
            forgotten[instruction.start_line] = current
    return sorted(
        line
        for line, stage in forgotten.items()
        if stage == current or (stage.alias is not None and stage.alias in bases)
    )


class DL3009(StreamRule):
    code = "DL3009"
    severity = Severity.INFO
    message = "Delete the apt lists (/var/lib/apt/lists) after installing something"
    onbuild = True

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3009()
