"""Layer tars read as streams: headers only, contents skipped, every byte hashed on the way.

``tarfile`` in stream mode (``r|``) never seeks, so a layer can come straight from a socket, a
registry response or an outer ``docker save`` tar without touching the disk. The digest of the
bytes read is what provenance checks compare with the config's ``diff_ids`` or the blob digest.
"""

from __future__ import annotations

import hashlib
import tarfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol, cast

from dockyard.errors import AnalysisError
from dockyard.image._model import LayerFiles

__all__ = [
    "ChunkReader",
    "GunzipReader",
    "HashingReader",
    "PrefixedReader",
    "ZstdReader",
    "read_layer_tar",
    "read_tar_headers",
    "sniff_kind",
]

_CHUNK = 1 << 20


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class HashingReader:
    """A file-like object that hashes (sha256) everything read through it."""

    def __init__(self, raw: _Readable) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._hash.update(data)
        self.count += len(data)
        return data

    def drain(self) -> None:
        """Read to the end, so the digest covers trailing padding the tar reader leaves behind."""
        while self.read(_CHUNK):
            pass

    @property
    def digest(self) -> str:
        return "sha256:" + self._hash.hexdigest()


class ChunkReader:
    """Turn an iterator of byte chunks (HTTP bodies, SDK streams) into a readable file object."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buffer = bytearray()
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._done = True
        if size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class GunzipReader:
    """Streaming gzip (multi-member safe) over a file object, via zlib: no temporary files."""

    def __init__(self, raw: IO[bytes] | HashingReader | ChunkReader | PrefixedReader) -> None:
        self._raw = raw
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._buffer = bytearray()
        self._eof = False

    def read(self, size: int = -1) -> bytes:
        while not self._eof and (size < 0 or len(self._buffer) < size):
            compressed = self._raw.read(_CHUNK)
            if not compressed:
                self._buffer += self._inflate.flush()
                self._eof = True
                break
            self._buffer += self._inflate.decompress(compressed)
            while self._inflate.eof and self._inflate.unused_data:
                rest = self._inflate.unused_data
                self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
                self._buffer += self._inflate.decompress(rest)
        if size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class ZstdReader:
    """Streaming zstd (every frame, as OCI ``tar+zstd`` layers may have several)."""

    def __init__(self, raw: _Readable) -> None:
        import zstandard  # only images with zstd layers need it

        source = cast("IO[bytes]", raw)  # stream_reader only ever calls read()
        self._reader = zstandard.ZstdDecompressor().stream_reader(
            source, read_size=_CHUNK, read_across_frames=True, closefd=False
        )

    def read(self, size: int = -1) -> bytes:
        import zstandard

        try:
            return self._reader.read(size)
        except zstandard.ZstdError as exc:
            raise OSError(f"zstd: {exc}") from exc


class PrefixedReader:
    """A reader that returns ``head`` first, then the rest of ``raw``."""

    def __init__(self, head: bytes, raw: IO[bytes] | ChunkReader) -> None:
        self._head = head
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0 or size >= len(self._head):
                data, self._head = self._head, b""
                more = self._raw.read(-1 if size < 0 else size - len(data))
                return data + more
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._raw.read(size)


def sniff_kind(head: bytes) -> str:
    """``gzip``, ``zstd``, ``tar`` or ``other``, from the first 512 bytes of a blob."""
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return "other"


def read_layer_tar(stream: IO[bytes] | HashingReader | GunzipReader, *, what: str) -> LayerFiles:
    """The entries of one uncompressed layer tar, read once from the start, contents skipped."""
    layer = LayerFiles()
    try:
        with tarfile.open(fileobj=stream, mode="r|", bufsize=_CHUNK) as archive:  # type: ignore[call-overload]
            for member in archive:
                layer.add(member.name, member.size, is_dir=member.isdir())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise AnalysisError(f"{what} is not a readable layer tar: {exc}") from exc
    return layer


def read_tar_headers(path: Path) -> LayerFiles:
    """The entries of an uncompressed layer tar on disk, seeking past each member's content: only
    the headers are read, in the tar's own order."""
    layer = LayerFiles()
    try:
        with tarfile.open(path, mode="r:") as archive:
            while (member := archive.next()) is not None:
                layer.add(member.name, member.size, is_dir=member.isdir())
                archive.members.clear()  # type: ignore[attr-defined]  # every header read is kept
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise AnalysisError(f"{path} is not a readable layer tar: {exc}") from exc
    return layer
