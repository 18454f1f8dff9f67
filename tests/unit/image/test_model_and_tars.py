from __future__ import annotations

import base64
import gzip
import io
import json
import tarfile

import pytest

from dockyard.errors import AnalysisError
from dockyard.image import Entry, EntryKind, read_layer_tar, read_tar_split
from dockyard.image._model import entry_from_tar_name
from dockyard.image._tarscan import ChunkReader, GunzipReader, HashingReader

from ._tars import layer_tar, sha256


@pytest.mark.parametrize(
    ("name", "is_dir", "expected"),
    [
        ("./etc/", True, Entry("etc", 0, EntryKind.DIR)),
        ("etc/passwd", False, Entry("etc/passwd", 5, EntryKind.FILE)),
        ("/usr//bin/env", False, Entry("usr/bin/env", 5, EntryKind.FILE)),
        ("tmp/.wh.big", False, Entry("tmp/big", 0, EntryKind.WHITEOUT)),
        (".wh.top", False, Entry("top", 0, EntryKind.WHITEOUT)),
        ("var/cache/.wh..wh..opq", False, Entry("var/cache", 0, EntryKind.OPAQUE)),
        ("./", True, None),
        (".wh..wh.plnk/123", False, None),
    ],
)
def test_tar_names_become_entries(name: str, is_dir: bool, expected: Entry | None) -> None:
    size = 5 if expected is not None and expected.kind == EntryKind.FILE else 0
    assert entry_from_tar_name(name, size, is_dir=is_dir) == expected


def test_layer_tar_is_read_as_a_stream_with_sizes_and_whiteouts() -> None:
    data = layer_tar([("app", None), ("app/a.bin", 1234), ("app/.wh.old", 0), ("x", 7)])
    stream = HashingReader(io.BytesIO(data))
    layer = read_layer_tar(stream, what="test")
    stream.drain()
    assert layer.entries == [
        Entry("app", 0, EntryKind.DIR),
        Entry("app/a.bin", 1234, EntryKind.FILE),
        Entry("app/old", 0, EntryKind.WHITEOUT),
        Entry("x", 7, EntryKind.FILE),
    ]
    assert layer.size == 1241
    assert stream.digest == sha256(data)


def test_gzip_layers_from_chunks_hash_the_uncompressed_tar() -> None:
    data = layer_tar([("f", 100_000)])
    compressed = gzip.compress(data)
    chunks = [compressed[i : i + 999] for i in range(0, len(compressed), 999)]
    inner = HashingReader(GunzipReader(ChunkReader(chunks)))
    layer = read_layer_tar(inner, what="test")
    inner.drain()
    assert inner.digest == sha256(data)
    assert layer.entries == [Entry("f", 100_000, EntryKind.FILE)]


def test_garbage_is_an_analysis_error() -> None:
    with pytest.raises(AnalysisError, match="not a readable layer tar"):
        read_layer_tar(io.BytesIO(b"\x01" * 2000), what="blob")


def _tar_split_of(data: bytes, separators: tuple[str, str] = (",", ":")) -> bytes:
    """tar-split's format: a raw segment (headers) before each file record, then the file."""
    lines = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        for member in archive.getmembers():
            header = member.tobuf(format=tarfile.PAX_FORMAT)
            segment = {"type": 2, "payload": base64.b64encode(header).decode()}
            lines.append(json.dumps(segment, separators=separators))
            record = {"type": 1, "name": member.name}  # directories known by type flag only
            if member.size:
                record["size"] = member.size
            lines.append(json.dumps(record, separators=separators))
    return gzip.compress("\n".join(lines).encode() + b"\n")


@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])
def test_tar_split_gives_the_same_entries_as_the_tar(separators: tuple[str, str]) -> None:
    long_name = "d/" + "n" * 150  # a PAX header before the real one
    data = layer_tar(
        [
            ("d", None),
            ("d/file", 42),
            ("d/.wh.gone", 0),
            ("d/sub/.wh..wh..opq", 0),
            (long_name, 3),
            ("d/emptydir", None),
        ]
    )
    from_split = read_tar_split(io.BytesIO(_tar_split_of(data, separators)), what="split")
    from_tar = read_layer_tar(io.BytesIO(data), what="tar")
    assert from_split.entries == from_tar.entries
    assert from_split.size == from_tar.size == 45
    assert from_split.entries[-1] == Entry("d/emptydir", 0, EntryKind.DIR)


def test_broken_tar_split_is_an_analysis_error() -> None:
    with pytest.raises(AnalysisError, match="unreadable tar-split"):
        read_tar_split(io.BytesIO(gzip.compress(b"{not json\n")), what="split")
