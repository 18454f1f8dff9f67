"""DL3007: ``:latest`` names whatever was pushed last; pin a release tag so rebuilds are
reproducible (a digest next to it pins harder and is accepted)."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity
from dockyard.dockerfile.rules.dlbase import base_image

__all__ = ["rule"]


def _violates(instruction: Instruction) -> bool:
    if instruction.keyword != "FROM":
        return False
    image = base_image(instruction)
    return image.tag == "latest" and image.digest is None


class DL3007(InstructionRule):
    code = "DL3007"
    severity = Severity.WARNING
    message = (
        "Using latest is prone to errors if the image will ever update. Pin the version "
        "explicitly to a release tag"
    )

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3007()
