"""DL3026: with ``trustedRegistries`` configured, every base image (and ``COPY --from`` or
``RUN --mount from=`` image) must come from one of them, so a typo or a look-alike registry
cannot slip an untrusted image into the build."""

from __future__ import annotations

from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule
from dockyard.dockerfile.rules.dlbase import base_image, image_reference

__all__ = ["rule"]


def _matches(pattern: str, registry: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return registry.endswith(pattern[1:])
    if pattern.endswith("*"):
        return registry.startswith(pattern[:-1])
    return registry == pattern


def _allowed(reference: str, aliases: set[str], trusted: frozenset[str]) -> bool:
    image = image_reference(reference)
    if image.name in aliases or not trusted:
        return True
    if image.registry is not None:
        return any(_matches(p, image.registry) for p in trusted)
    return image.name == "scratch" or any(
        _matches(p, hub) for p in trusted for hub in ("docker.io", "hub.docker.com")
    )


def _mount_sources(instruction: Instruction) -> list[str]:
    found: list[str] = []
    for mount in instruction.flag_values("mount"):
        options = dict(part.partition("=")[::2] for part in mount.split(",") if part)
        if options.get("type", "bind") in ("cache", "bind"):
            found.append(options.get("from") or "scratch")
    return found


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    aliases: set[str] = set()
    trusted = frozenset(ctx.trusted_registries)
    failing: list[int] = []
    for instruction in instructions:
        references: list[str] = []
        if instruction.keyword == "FROM":
            references = [instruction.words[0]] if instruction.words else []
        elif instruction.keyword == "COPY" and instruction.flag("from") is not None:
            references = [instruction.flag("from") or ""]
        elif instruction.keyword == "RUN":
            references = _mount_sources(instruction)
        if not all(_allowed(r, aliases, trusted) for r in references):
            failing.append(instruction.start_line)
        if instruction.keyword == "FROM":
            alias = base_image(instruction).alias
            if alias:
                aliases.add(alias)
    return failing


class DL3026(StreamRule):
    code = "DL3026"
    severity = Severity.ERROR
    message = "Use only an allowed registry in the FROM image"

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3026()
