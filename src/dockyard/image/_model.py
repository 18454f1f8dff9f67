"""The data every analysis works on: per-layer file entries, kept compact.

A layer is a list of :class:`Entry` tuples (path, size, kind), never file contents: a 2 GB image
with a few hundred thousand files fits in tens of megabytes. Overlay whiteouts (``.wh.name`` tar
entries, or character devices 0/0 in an overlay diff directory) become ``WHITEOUT`` entries of the
deleted path; opaque directories (``.wh..wh..opq`` or the ``trusted.overlay.opaque`` xattr) become
``OPAQUE`` entries of the directory, so every reader yields the same model.
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "WHITEOUT_PREFIX",
    "Entry",
    "EntryKind",
    "HistoryEntry",
    "ImageData",
    "LayerFiles",
    "entry_from_tar_name",
]

WHITEOUT_PREFIX = ".wh."
_OPAQUE_MARKER = ".wh..wh..opq"
_META_PREFIX = ".wh..wh."


class EntryKind(enum.IntEnum):
    FILE = 0  # anything that is not a directory: regular file, symlink, hard link, device
    DIR = 1
    WHITEOUT = 2  # path was deleted by this layer
    OPAQUE = 3  # directory whose lower content this layer hides


class Entry(NamedTuple):
    path: str  # relative, no leading or trailing slash: "usr/bin/env"
    size: int
    kind: EntryKind


@dataclass
class LayerFiles:
    """One layer's entries; ``size`` is the sum of the tar headers' sizes (dive's layer size)."""

    entries: list[Entry] = field(default_factory=list)
    size: int = 0

    def add(self, name: str, size: int, *, is_dir: bool) -> None:
        self.size += size
        entry = entry_from_tar_name(name, size, is_dir=is_dir)
        if entry is not None:
            self.entries.append(entry)


@dataclass(frozen=True)
class HistoryEntry:
    created_by: str
    created: str
    empty: bool
    comment: str = ""


@dataclass
class ImageData:
    """Everything an analysis needs about one image, whatever its source."""

    name: str
    source: str  # "engine", "registry" or "archive"
    config: dict[str, object]
    diff_ids: list[str]
    layers: Iterable[LayerFiles]  # bottom first; may be a one-shot iterator (read as analysed)
    layer_digests: list[str] = field(default_factory=list)  # compressed blob digests (registry)
    compressed_sizes: list[int] = field(default_factory=list)
    image_id: str = ""
    reader: str = ""  # how the layers were read, e.g. "layer store (tar-split)"
    verified: str = ""  # what provenance checks were made

    @property
    def history(self) -> list[HistoryEntry]:
        raw = self.config.get("history")
        items = raw if isinstance(raw, list) else []
        return [
            HistoryEntry(
                created_by=str(item.get("created_by", "")),
                created=str(item.get("created", "")),
                empty=bool(item.get("empty_layer", False)),
                comment=str(item.get("comment", "")),
            )
            for item in items
            if isinstance(item, dict)
        ]


def normalise(name: str) -> str:
    """Tar names come as ``./a/b/``, ``a/b`` or ``/a/b``; dive compares them as ``a/b``."""
    path = posixpath.normpath("/" + name).lstrip("/")
    return "" if path == "." else path


def entry_from_tar_name(name: str, size: int, *, is_dir: bool) -> Entry | None:
    """Map one tar member to an entry; None for the root and overlay bookkeeping files."""
    path = normalise(name)
    if not path:
        return None
    parent, _, base = path.rpartition("/")
    if base == _OPAQUE_MARKER:
        return Entry(parent, 0, EntryKind.OPAQUE) if parent else None
    if any(part.startswith(_META_PREFIX) for part in path.split("/")):
        return None  # aufs hard-link directories and other metadata dive skips too
    if base.startswith(WHITEOUT_PREFIX):
        target = base[len(WHITEOUT_PREFIX) :]
        return Entry(f"{parent}/{target}" if parent else target, 0, EntryKind.WHITEOUT)
    return Entry(path, size, EntryKind.DIR if is_dir else EntryKind.FILE)
