"""Per-layer entries cached by content digest: layers are immutable, so entries never go stale.

One gzip-compressed file per layer (a header line, then ``kind size path`` records ended by NUL,
the one byte a tar name cannot hold) under ``$XDG_CACHE_HOME/dockyard/layers/`` (default
``~/.cache``), named by the layer's diff id. Writes go to a temporary file renamed into place, so
two concurrent runs never read half a file. A cache file that does not parse is ignored.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dockyard.image._model import Entry, EntryKind, LayerFiles

__all__ = ["LayerCache", "default_cache_dir"]

_VERSION = 2
_BATCH = 20_000


def default_cache_dir(environ: dict[str, str]) -> Path:
    base = environ.get("XDG_CACHE_HOME") or str(
        Path(environ.get("HOME", "~")).expanduser() / ".cache"
    )
    return Path(base) / "dockyard" / "layers"


@dataclass(frozen=True)
class LayerCache:
    directory: Path | None  # None: caching off (--no-cache)

    def _file(self, key: str) -> Path | None:
        if self.directory is None or ":" not in key:
            return None
        algorithm, _, hex_digest = key.partition(":")
        if not hex_digest.isalnum():
            return None
        return self.directory / f"{algorithm}-{hex_digest}.json.gz"

    def get(self, key: str) -> LayerFiles | None:
        path = self._file(key)
        if path is None or not path.is_file():
            return None
        try:
            with gzip.open(path, "rb") as stream:
                header, _, body = stream.read().partition(b"\n")
            version, size = header.split()
            if int(version) != _VERSION:
                return None
            entries = []
            for record in body.split(b"\0")[:-1]:
                kind, length, name = record.split(b" ", 2)
                entries.append(Entry(name.decode(), int(length), EntryKind(int(kind))))
            return LayerFiles(entries=entries, size=int(size))
        except (OSError, ValueError, EOFError):
            return None

    def put(self, key: str, layer: LayerFiles) -> None:
        path = self._file(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as raw, gzip.open(raw, "wb", compresslevel=1) as out:
                out.write(f"{_VERSION} {layer.size}\n".encode())
                for start in range(0, len(layer.entries), _BATCH):
                    batch = layer.entries[start : start + _BATCH]
                    out.write("".join(f"{k:d} {s} {p}\0" for p, s, k in batch).encode())
            os.replace(temp, path)
        except OSError:
            return  # a cache that cannot be written is only a slower next run
