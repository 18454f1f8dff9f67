"""Layer entries from tar-split metadata: the exact tar headers, without the layer's bytes.

Docker's layer store keeps, for every layer, ``tar-split.json.gz``: one JSON object per line, either
a raw segment (``type`` 2: the bytes of tar headers and padding, base64) or a file (``type`` 1:
the member's name and size). ``docker save`` rebuilds each layer tar from exactly this metadata
plus the files of the layer's diff directory, so reading it gives the same names, sizes and
whiteouts as parsing the saved tar, at a tiny fraction of the I/O. The type flag of each member
sits at byte 156 of its header, the last 512 bytes of the segment just before it.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from typing import IO

from dockyard.errors import AnalysisError
from dockyard.image._model import LayerFiles

__all__ = ["read_tar_split"]

_SEGMENT = 2
_FILE = 1
_DIRTYPE = ord("5")
_HEADER = 512
_TYPEFLAG_OFFSET = 156


_SEGMENT_PREFIX = b'{"type":2,"payload":"'


def _typeflag(line: bytes) -> int:
    """The type flag of the header that ends this segment, decoding only the base64 group that
    holds it (segments are mostly padding and headers; decoding all of them is the slow part)."""
    start = len(_SEGMENT_PREFIX)
    end = line.find(b'"', start)
    if end < 0:
        return 0
    encoded = end - start
    length = encoded // 4 * 3 - line[start:end][-2:].count(b"=")
    if length < _HEADER:
        return 0
    position = length - _HEADER + _TYPEFLAG_OFFSET
    group = position // 3
    chunk = base64.b64decode(line[start + 4 * group : start + 4 * group + 4])
    return chunk[position % 3]


_FILE_PREFIX = b'{"type":1,"name":"'
_SIZE_FIELD = b'","size":'
_DIGITS = re.compile(rb"\d+")


def _plain_file(line: bytes) -> tuple[str, int] | None:
    """Name and size of a file record without escapes in it, read without a JSON parser (the
    record layout is fixed by tar-split's Go struct); None sends the line to ``json.loads``."""
    if not line.startswith(_FILE_PREFIX) or b"\\" in line:
        return None
    start = len(_FILE_PREFIX)
    end = line.find(b'"', start)
    if end < 0:
        return None
    name = line[start:end].decode("utf-8", "replace")
    if not line.startswith(_SIZE_FIELD, end):
        return name, 0
    digits = _DIGITS.match(line, end + len(_SIZE_FIELD))
    return (name, int(digits.group())) if digits else None


def read_tar_split(stream: IO[bytes], *, what: str) -> LayerFiles:
    """Entries of one layer from its (gzip-compressed) tar-split stream."""
    layer = LayerFiles()
    last_typeflag = 0
    try:
        with gzip.GzipFile(fileobj=stream) as lines:
            for line in lines:
                if line.startswith(_SEGMENT_PREFIX):
                    last_typeflag = _typeflag(line) or last_typeflag
                    continue
                plain = _plain_file(line)
                if plain is not None:
                    name, size = plain
                    layer.add(name, size, is_dir=last_typeflag == _DIRTYPE or name.endswith("/"))
                    continue
                record = json.loads(line)
                kind = record.get("type")
                if kind == _SEGMENT:
                    raw = base64.b64decode(record.get("payload") or "")
                    if len(raw) >= _HEADER:
                        last_typeflag = raw[len(raw) - _HEADER + _TYPEFLAG_OFFSET]
                elif kind == _FILE:
                    name = record.get("name")
                    if name is None and record.get("name_raw"):
                        name = base64.b64decode(record["name_raw"]).decode("utf-8", "replace")
                    name = str(name or "")
                    is_dir = last_typeflag == _DIRTYPE or name.endswith("/")
                    layer.add(name, int(record.get("size", 0)), is_dir=is_dir)
    except (OSError, EOFError, ValueError) as exc:
        raise AnalysisError(f"{what}: unreadable tar-split metadata ({exc})") from exc
    return layer
