"""Wasted space, counted the way dive counts it, plus what a user can actually recover.

dive (``filetree/efficiency.go``) visits, in every layer's own tree, the *leaf* nodes only (files,
and directories without children in that layer), keyed by path with the whiteout prefix removed.
A whiteout's size is 0 for a deleted file and the sum of the deleted subtree (as stacked from the
layers below) for a deleted directory. Per path it sums all sizes seen (cumulative) and keeps the
smallest; efficiency = sum of smallest / sum of cumulative (1.0 when nothing), wasted bytes = the
cumulative size of every path seen in two or more layers, user wasted percent = wasted bytes /
the sizes of all layers but the first. dive ignores opaque-directory markers.

dive's wasted bytes count the copy that is kept too, so they overstate what can be saved.
``recoverable_bytes`` is the size of every copy that the final image does not show: files later
overwritten, deleted by a whiteout, or hidden by an opaque directory.

Layers are fed one at a time (:meth:`Analyzer.add_layer`) and dropped after, so memory holds one
record per path, never the layers' contents.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from dockyard.image._model import Entry, EntryKind, LayerFiles

__all__ = ["Analysis", "Analyzer", "FileCopies", "LayerChange", "RemovedFile", "analyse"]

_LARGEST = 20


@dataclass(frozen=True)
class FileCopies:
    """A path seen in more than one layer (dive's "inefficient file")."""

    path: str
    count: int
    cumulative_bytes: int


@dataclass(frozen=True, slots=True)
class RemovedFile:
    """A copy added by one layer that a later layer overwrote, deleted or hid."""

    path: str
    size: int
    added_in: int
    removed_in: int
    how: str  # "overwritten", "deleted" or "hidden" (opaque directory)


@dataclass
class LayerChange:
    added: int = 0
    modified: int = 0
    deleted: int = 0
    added_bytes: int = 0
    modified_bytes: int = 0
    removed_bytes: int = 0  # bytes of lower layers this layer made invisible


@dataclass
class Analysis:
    layer_sizes: list[int]
    efficiency: float
    wasted_bytes: int
    user_wasted_percent: float
    recoverable_bytes: int
    inefficient: list[FileCopies]
    removed: list[RemovedFile]
    largest: list[tuple[str, int]]
    changes: list[LayerChange]
    final_size: int
    file_count: int
    final_files: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def size_bytes(self) -> int:
        return sum(self.layer_sizes)

    @property
    def user_size_bytes(self) -> int:
        return sum(self.layer_sizes[1:])


# One visible path of the stacked filesystem packed in one int (a small object per path matters at
# hundreds of thousands of paths): size << 17 | layer << 1 | is_dir.
_SHIFT = 17
_LAYER_MASK = (1 << 16) - 1


def _pack(size: int, layer: int, is_dir: bool) -> int:
    return size << _SHIFT | (layer & _LAYER_MASK) << 1 | int(is_dir)


def _size(node: int) -> int:
    return node >> _SHIFT


def _layer(node: int) -> int:
    return (node >> 1) & _LAYER_MASK


def _is_dir(node: int) -> bool:
    return bool(node & 1)


@dataclass
class Analyzer:
    """Feed layers bottom-up with :meth:`add_layer`, then call :meth:`result`."""

    _min: dict[str, int] = field(default_factory=dict)  # dive: smallest size per leaf path
    _repeats: dict[str, list[int]] = field(default_factory=dict)  # path -> [count, cumulative]
    _sum_min: int = 0
    _sum_cum: int = 0
    _view: dict[str, int] = field(default_factory=dict)  # the stacked filesystem
    _sizes: list[int] = field(default_factory=list)
    _removed: list[RemovedFile] = field(default_factory=list)
    _changes: list[LayerChange] = field(default_factory=list)

    def add_layer(self, layer: LayerFiles) -> None:
        index = len(self._sizes)
        self._sizes.append(layer.size)
        self._count_leaves(layer.entries)
        self._changes.append(self._stack(layer.entries, index))

    # dive's efficiency -------------------------------------------------------------------------
    def _count_leaves(self, entries: list[Entry]) -> None:
        parents: set[str] = set()
        nodes: dict[str, int] = {}
        whiteouts: list[str] = []
        for path, size, kind in entries:
            if kind == EntryKind.WHITEOUT:
                whiteouts.append(path)
            elif kind == EntryKind.OPAQUE:
                nodes.setdefault(path, 0)  # the marker itself never becomes a node in dive
            else:
                nodes[path] = size
            _mark_ancestors(_parent(path), parents, nodes)
        for path, size in nodes.items():
            if path not in parents:
                self._count(path, size)
        for path in whiteouts:
            self._count(path, self._deleted_dir_size(path))

    def _count(self, key: str, size: int) -> None:
        self._sum_cum += size
        old = self._min.get(key)
        if old is None:
            self._min[key] = size
            self._sum_min += size
            return
        if size < old:
            self._min[key] = size
            self._sum_min += size - old
        repeat = self._repeats.get(key)
        if repeat is None:
            self._repeats[key] = [2, old + size]
        else:
            repeat[0] += 1
            repeat[1] += size

    def _deleted_dir_size(self, path: str) -> int:
        node = self._view.get(path)
        if node is None or not _is_dir(node):
            return 0
        return sum(_size(self._view[p]) for p in self._subtree(path, include_self=True))

    # the stacked filesystem --------------------------------------------------------------------
    def _subtree(self, path: str, *, include_self: bool) -> list[str]:
        keys = self._sorted_keys()
        start = bisect.bisect_left(keys, path + "/")
        stop = bisect.bisect_left(keys, path + "0")  # "0" sorts right after "/"
        found = [k for k in keys[start:stop] if k in self._view]
        if include_self and path in self._view:
            found.append(path)
        return found

    _keys_cache: list[str] | None = None

    def _sorted_keys(self) -> list[str]:
        if self._keys_cache is None:
            self._keys_cache = sorted(self._view)
        return self._keys_cache

    def _stack(self, entries: list[Entry], index: int) -> LayerChange:
        change = LayerChange()
        for path, _size, kind in entries:
            if kind == EntryKind.OPAQUE:
                change.removed_bytes += self._drop(
                    self._subtree(path, include_self=False), index, "hidden"
                )
            elif kind == EntryKind.WHITEOUT:
                change.deleted += 1
                change.removed_bytes += self._drop(
                    self._subtree(path, include_self=True), index, "deleted"
                )
        for path, size, kind in entries:
            if kind in (EntryKind.FILE, EntryKind.DIR):
                self._put(path, size, is_dir=kind == EntryKind.DIR, index=index, change=change)
        self._keys_cache = None
        return change

    def _drop(self, paths: Iterable[str], index: int, how: str) -> int:
        removed = 0
        for path in paths:
            node = self._view.pop(path)
            if not _is_dir(node) and _size(node) > 0:
                self._removed.append(RemovedFile(path, _size(node), _layer(node), index, how))
                removed += _size(node)
        return removed

    def _put(self, path: str, size: int, *, is_dir: bool, index: int, change: LayerChange) -> None:
        old = self._view.get(path)
        if old is not None and _is_dir(old) and not is_dir:
            change.removed_bytes += self._drop(
                self._subtree(path, include_self=False), index, "deleted"
            )
        if old is not None and not _is_dir(old):
            if _size(old) > 0:
                self._removed.append(
                    RemovedFile(path, _size(old), _layer(old), index, "overwritten")
                )
                change.removed_bytes += _size(old)
            if not is_dir:
                change.modified += 1
                change.modified_bytes += size
        elif not is_dir:
            change.added += 1
            change.added_bytes += size
        if old is None and self._keys_cache is not None:
            self._keys_cache = None
        self._view[path] = _pack(size, index, is_dir)

    def result(self) -> Analysis:
        wasted = 0
        inefficient = []
        for key, (count, cumulative) in self._repeats.items():
            wasted += cumulative
            inefficient.append(FileCopies("/" + key, count, cumulative))
        inefficient.sort(key=lambda item: (-item.cumulative_bytes, item.path))
        user = sum(self._sizes[1:])
        files = [(p, _size(n)) for p, n in self._view.items() if not _is_dir(n)]
        return Analysis(
            layer_sizes=list(self._sizes),
            efficiency=self._sum_min / self._sum_cum if self._sum_cum else 1.0,
            wasted_bytes=wasted,
            user_wasted_percent=wasted / user if user else 0.0,
            recoverable_bytes=sum(item.size for item in self._removed),
            inefficient=inefficient,
            removed=sorted(self._removed, key=lambda item: (-item.size, item.path)),
            largest=heapq.nsmallest(_LARGEST, files, key=lambda item: (-item[1], item[0])),
            changes=list(self._changes),
            final_size=sum(size for _, size in files),
            file_count=len(files),
            final_files=dict(files),
        )


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _mark_ancestors(path: str, parents: set[str], nodes: dict[str, int]) -> None:
    """Record ``path`` and its ancestors as inner nodes (they have a child in this layer)."""
    while path and path not in parents:
        parents.add(path)
        nodes.setdefault(path, 0)
        path = _parent(path)


def analyse(layers: Iterable[LayerFiles]) -> Analysis:
    """Analyse a whole image, bottom layer first."""
    analyzer = Analyzer()
    for layer in layers:
        analyzer.add_layer(layer)
    return analyzer.result()
