"""DL3006: an untagged FROM means ``latest``, which changes under you between builds."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity

__all__ = ["image_parts", "rule"]


def image_parts(reference: str) -> tuple[str | None, str, str | None, str | None]:
    """``registry/name:tag@digest`` -> (registry, name, tag, digest), as hadolint splits them:
    the first component is a registry when it has a ``.`` or ``:`` or is ``localhost``."""
    rest, _, digest = reference.partition("@")
    registry: str | None = None
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, rest = first, remainder
    head, _, last = rest.rpartition("/")
    name, colon, tag = last.partition(":")
    full_name = f"{head}/{name}" if head else name
    return registry, full_name, (tag if colon else None), (digest or None)


class DL3006(Rule):
    code = "DL3006"
    severity = Severity.WARNING
    message = "Always tag the version of an image explicitly"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        aliases: set[str] = set()
        for stage in df.stages:
            _, name, tag, digest = image_parts(stage.base_image)
            alias = stage.name
            untagged = tag is None and digest is None and name != "scratch"
            if untagged and not name.startswith("$") and name.lower() not in aliases:
                yield self.finding(stage.start_line, ctx)
            if alias:
                aliases.add(alias)


rule = DL3006()
