"""Writing small bbolt files for tests, page by page, as bbolt lays them out (see
``dockyard.engine._bolt`` for the format). A bucket is a dict: bytes values are values, dict
values are nested buckets; ``inline=True`` stores nested buckets inside their parent's leaf."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

PAGE = 4096
Tree = dict[bytes, "bytes | Tree"]


def fnv1a_64(data: bytes) -> int:
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def leaf(pgid: int, items: list[tuple[bytes, bytes, int]]) -> bytes:
    """A leaf page (unpadded): header, elements, then each key and value."""
    header = struct.pack("<QHHI", pgid, 0x02, len(items), 0)
    elements = b""
    data = b""
    for index, (key, value, flags) in enumerate(items):
        element_at = 16 + index * 16
        data_at = 16 + len(items) * 16 + len(data)
        elements += struct.pack("<IIII", flags, data_at - element_at, len(key), len(value))
        data += key + value
    return header + elements + data


def branch(pgid: int, children: list[tuple[bytes, int]]) -> bytes:
    header = struct.pack("<QHHI", pgid, 0x01, len(children), 0)
    elements = b""
    data = b""
    for index, (key, child) in enumerate(children):
        element_at = 16 + index * 16
        data_at = 16 + len(children) * 16 + len(data)
        elements += struct.pack("<IIQ", data_at - element_at, len(key), child)
        data += key
    return header + elements + data


def meta(pgid: int, *, root: int, txid: int, magic: int = 0xED0CDAED) -> bytes:
    body = struct.pack("<IIIIQQQQQ", magic, 2, PAGE, 0, root, 0, 2, 99, txid)
    return struct.pack("<QHHI", pgid, 0x04, 0, 0) + body + struct.pack("<Q", fnv1a_64(body))


@dataclass
class BoltWriter:
    """Pages 0 and 1 are meta pages, 2 a freelist; buckets go from page 3 on."""

    pages: dict[int, bytes] = field(default_factory=dict)
    split_at: int = 0  # > 0: leaves of a page bucket hold at most this many items (branch above)

    def _next(self) -> int:
        return max([2, *self.pages]) + 1

    def bucket_page(self, tree: Tree, *, inline: bool = False) -> int:
        """Write ``tree`` as a page bucket (nested buckets inline or not); its root page id."""
        items = [self._item(key, value, inline=inline) for key, value in sorted(tree.items())]
        if self.split_at and len(items) > self.split_at:
            root = self._next()
            self.pages[root] = b""  # reserve
            children = []
            for start in range(0, len(items), self.split_at):
                part = items[start : start + self.split_at]
                pgid = self._next()
                self.pages[pgid] = leaf(pgid, part)
                children.append((part[0][0], pgid))
            self.pages[root] = branch(root, children)
            return root
        pgid = self._next()
        self.pages[pgid] = leaf(pgid, items)
        return pgid

    def _item(self, key: bytes, value: bytes | Tree, *, inline: bool) -> tuple[bytes, bytes, int]:
        if isinstance(value, bytes):
            return key, value, 0
        if inline:
            nested = [self._item(k, v, inline=True) for k, v in sorted(value.items())]
            return key, struct.pack("<QQ", 0, 0) + leaf(0, nested), 1
        return key, struct.pack("<QQ", self.bucket_page(value), 0), 1

    def write(self, tree: Tree, *, inline: bool = False, stale_tree: Tree | None = None) -> bytes:
        """The file: meta page 1 (newer) names ``tree``; meta page 0 (older) ``stale_tree``."""
        root = self.bucket_page(tree, inline=inline)
        stale = self.bucket_page(stale_tree, inline=inline) if stale_tree is not None else root
        self.pages[0] = meta(0, root=stale, txid=5)
        self.pages[1] = meta(1, root=root, txid=6)
        self.pages[2] = struct.pack("<QHHI", 2, 0x10, 0, 0)
        size = max(self.pages) + 1
        out = bytearray(size * PAGE)
        for pgid, page in self.pages.items():
            if len(page) > PAGE:
                raise ValueError("test pages must fit one page")
            out[pgid * PAGE : pgid * PAGE + len(page)] = page
        return bytes(out)


def bolt_file(
    tree: Tree, *, inline: bool = False, split_at: int = 0, stale_tree: Tree | None = None
) -> bytes:
    return BoltWriter(split_at=split_at).write(tree, inline=inline, stale_tree=stale_tree)
