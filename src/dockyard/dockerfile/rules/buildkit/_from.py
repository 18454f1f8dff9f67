"""What BuildKit sees in a ``FROM``: the base name and ``--platform`` value as written, and their
expansion with the global arguments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dockyard.dockerfile._model import Dockerfile, Stage
from dockyard.dockerfile.rules.buildkit._lex import raw_words

__all__ = ["FromLine", "from_lines", "is_valid_reference"]


@dataclass
class FromLine:
    stage: Stage
    base: str  # as written
    platform: str | None  # as written (quotes removed), None without --platform


def from_lines(df: Dockerfile) -> Iterator[FromLine]:
    for stage in df.stages:
        instruction = stage.from_instruction
        words = raw_words(instruction.arguments, escape=instruction.escape)
        base = words[0] if words else ""
        yield FromLine(stage=stage, base=base, platform=instruction.flag("platform"))


_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN = re.compile(
    r"(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    r"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
)
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_IDENTIFIER = re.compile(r"[a-f0-9]{64}")


def is_valid_reference(text: str) -> bool:
    """Whether Docker's reference grammar accepts ``text`` as an image name (what
    ``reference.ParseNormalizedNamed`` accepts): ``[domain/]path[:tag][@digest]``, the path in
    lower case, not a bare 64-hex image ID."""
    if not text or _IDENTIFIER.fullmatch(text):
        return False
    name, at, digest = text.partition("@")
    if at and not _DIGEST.fullmatch(digest):
        return False
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
        if not _TAG.fullmatch(tag):
            return False
    if not name or len(name) > 255:
        return False
    first, sep, rest = name.partition("/")
    domain_like = "." in first or ":" in first or first == "localhost" or first != first.lower()
    if sep and domain_like:
        if not _DOMAIN.fullmatch(first):
            return False
        components = rest.split("/")
    else:
        components = name.split("/")
    return all(_PATH_COMPONENT.fullmatch(c) for c in components)
