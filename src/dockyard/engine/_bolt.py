"""A read-only reader of bbolt files, the key/value store containerd keeps its metadata in.

containerd records which image names point at which manifests, and which snapshot directory holds
which layer, in bbolt databases (``meta.db``, the overlayfs snapshotter's ``metadata.db``). Only
reading is needed, and only what those two files use: nested buckets of byte keys and values.

The format (bbolt's ``page.go``, ``node.go`` and ``bucket.go``): the file is a sequence of pages of
``page_size`` bytes. Pages 0 and 1 are meta pages; the valid one (magic, version and FNV-1a
checksum right) with the higher transaction id names the root bucket's page. Every page starts with
a 16-byte header: id (u64), flags (u16: branch 0x01, leaf 0x02, meta 0x04, freelist 0x10), count
(u16) and overflow (u32: how many further pages it spans). A branch page holds ``count`` elements
(pos u32, key size u32, child page u64) pointing at child pages; a leaf page holds elements
(flags u32, pos u32, key size u32, value size u32) where ``pos`` is relative to the element and
flag 0x01 marks a nested bucket. A bucket's value starts with its own root page id and sequence
(u64 each); a root of 0 means an inline bucket whose leaf page follows in the value itself.

The file is read as it is on disk while containerd may hold it open, a page at a time: bbolt never
overwrites the pages reachable from the current meta page (copy-on-write), and a lookup reads a
handful of pages within milliseconds, so a write that frees and reuses one of them in between is
unlikely, not impossible. Callers verify what they learn (digests) before trusting it.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BoltBucket", "BoltError", "BoltFile", "open_bolt"]

_MAGIC = 0xED0CDAED
_VERSION = 2
_BRANCH = 0x01
_LEAF = 0x02
_META = 0x04
_BUCKET_LEAF = 0x01
_PAGE_HEADER = struct.Struct("<QHHI")
# magic, version, page size, flags, root page, root sequence, freelist, high water, txid, checksum
_META_BODY = struct.Struct("<IIIIQQQQQQ")
_BRANCH_ELEMENT = struct.Struct("<IIQ")
_LEAF_ELEMENT = struct.Struct("<IIII")
_BUCKET_HEADER = struct.Struct("<QQ")
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3


class BoltError(ValueError):
    """The file is not a bbolt database this reader understands."""


def _fnv1a_64(data: bytes) -> int:
    value = _FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return value


class _File:
    """The open file, read a page at a time (``pread``): a lookup touches the pages on its path
    from the root, never the whole file, which grows with every image the engine holds."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self.page_size = 4096
        self._pages: dict[int, memoryview] = {}

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def read(self, offset: int, size: int) -> bytes:
        data = os.pread(self._fd, size, offset)
        if len(data) < size:
            raise BoltError(f"the file ends before byte {offset + size}")
        return data

    def page(self, pgid: int) -> memoryview:
        cached = self._pages.get(pgid)
        if cached is not None:
            return cached
        start = pgid * self.page_size
        try:
            first = self.read(start, self.page_size)
        except BoltError:
            raise BoltError(f"page {pgid} is beyond the end of the file") from None
        _, _, _, overflow = _PAGE_HEADER.unpack_from(first, 0)
        if overflow:
            first += self.read(start + self.page_size, overflow * self.page_size)
        page = memoryview(first)
        self._pages[pgid] = page
        return page


def _leaf_elements(page: memoryview, count: int) -> Iterator[tuple[memoryview, memoryview, bool]]:
    """(key, value, is_bucket) of a leaf page's elements, as views into the page."""
    for index in range(count):
        at = _PAGE_HEADER.size + index * _LEAF_ELEMENT.size
        flags, pos, key_size, value_size = _LEAF_ELEMENT.unpack_from(page, at)
        key_at = at + pos
        value_at = key_at + key_size
        yield (
            page[key_at:value_at],
            page[value_at : value_at + value_size],
            bool(flags & _BUCKET_LEAF),
        )


@dataclass(frozen=True)
class BoltBucket:
    """One bucket: its keys, values and nested buckets, read on demand."""

    _file: _File
    _root: int  # page id, 0 when inline
    _inline: memoryview | None = None

    def _root_page(self) -> memoryview:
        return self._inline if self._inline is not None else self._file.page(self._root)

    def items(self) -> Iterator[tuple[bytes, bytes, bool]]:
        """(key, value, is_bucket) in key order."""
        yield from self._walk(self._root_page(), depth=0)

    def _walk(self, page: memoryview, *, depth: int) -> Iterator[tuple[bytes, bytes, bool]]:
        if depth > 64:
            raise BoltError("bucket tree deeper than 64 levels: the file is corrupt")
        _, flags, count, _ = _PAGE_HEADER.unpack_from(page, 0)
        if flags & _LEAF:
            for key, value, is_bucket in _leaf_elements(page, count):
                yield bytes(key), bytes(value), is_bucket
        elif flags & _BRANCH:
            for index in range(count):
                at = _PAGE_HEADER.size + index * _BRANCH_ELEMENT.size
                _, _, child = _BRANCH_ELEMENT.unpack_from(page, at)
                yield from self._walk(self._file.page(child), depth=depth + 1)
        else:
            raise BoltError(f"page flags {flags:#x} where a branch or leaf page was expected")

    def _find(self, key: bytes) -> tuple[bytes, bool] | None:
        """(value, is_bucket) of ``key``: down the branch pages by key, then through one leaf."""
        page = self._root_page()
        for _ in range(64):
            _, flags, count, _ = _PAGE_HEADER.unpack_from(page, 0)
            if flags & _LEAF:
                for name, value, is_bucket in _leaf_elements(page, count):
                    if name == key:
                        return bytes(value), is_bucket
                return None
            if not flags & _BRANCH:
                raise BoltError(f"page flags {flags:#x} where a branch or leaf page was expected")
            child = 0
            for index in range(count):  # the last child whose first key is <= key
                at = _PAGE_HEADER.size + index * _BRANCH_ELEMENT.size
                pos, key_size, pgid = _BRANCH_ELEMENT.unpack_from(page, at)
                if index and bytes(page[at + pos : at + pos + key_size]) > key:
                    break
                child = pgid
            page = self._file.page(child)
        raise BoltError("bucket tree deeper than 64 levels: the file is corrupt")

    def get(self, key: bytes) -> bytes | None:
        """The value of ``key`` (not a bucket), or None."""
        found = self._find(key)
        return found[0] if found is not None and not found[1] else None

    def bucket(self, key: bytes) -> BoltBucket | None:
        """The nested bucket ``key``, or None."""
        found = self._find(key)
        return self._nested(found[0]) if found is not None and found[1] else None

    def buckets(self) -> Iterator[tuple[bytes, BoltBucket]]:
        for name, value, is_bucket in self.items():
            if is_bucket:
                yield name, self._nested(value)

    def path(self, *keys: bytes) -> BoltBucket | None:
        """The bucket reached through nested ``keys``, or None when one is missing."""
        bucket: BoltBucket | None = self
        for key in keys:
            bucket = bucket.bucket(key) if bucket is not None else None
        return bucket

    def _nested(self, value: bytes) -> BoltBucket:
        if len(value) < _BUCKET_HEADER.size:
            raise BoltError("a bucket value shorter than its header")
        root, _ = _BUCKET_HEADER.unpack_from(value, 0)
        if root == 0:
            return BoltBucket(self._file, 0, memoryview(value)[_BUCKET_HEADER.size :])
        return BoltBucket(self._file, root)


class BoltFile:
    """An open bbolt file; ``root`` is its root bucket. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        self._file = _File(path)
        try:
            self.root = self._root(path)
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> BoltFile:
        return self

    def __exit__(self, *_: object) -> None:
        self._file.close()

    def _root(self, path: Path) -> BoltBucket:
        best: tuple[int, int, int] | None = None  # txid, root, page size
        offset = 0
        for _ in range(2):
            try:
                head = self._file.read(offset, _PAGE_HEADER.size + _META_BODY.size)
            except BoltError:
                break
            _, flags, _, _ = _PAGE_HEADER.unpack_from(head, 0)
            fields = _META_BODY.unpack_from(head, _PAGE_HEADER.size)
            magic, version, page_size, _, root, _, _, _, txid, checksum = fields
            body = head[_PAGE_HEADER.size : _PAGE_HEADER.size + _META_BODY.size - 8]
            valid = (
                flags & _META
                and magic == _MAGIC
                and version == _VERSION
                and checksum == _fnv1a_64(body)
            )
            if valid and (best is None or txid > best[0]):
                best = (txid, root, page_size)
            if offset == 0:
                offset = page_size if valid else 4096
        if best is None:
            raise BoltError(f"{path}: no valid bbolt meta page")
        _, root, page_size = best
        self._file.page_size = page_size
        return BoltBucket(self._file, root)


def open_bolt(path: Path) -> BoltFile:
    """Open the bbolt file at ``path`` for reading: ``with open_bolt(p) as db: db.root...``."""
    return BoltFile(path)
