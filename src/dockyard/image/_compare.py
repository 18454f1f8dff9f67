"""Two images side by side: totals, layers only in one of them, and the files that differ.

Layers are matched by content (diff id), so a rebuilt layer with the same files shows as shared
and a changed one as "only in A" plus "only in B". File differences come from the final
filesystems (what a container sees), largest change first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["compare_reports"]

_FILES_SHOWN = 25
_TOTALS = (
    "size_bytes",
    "compressed_size_bytes",
    "final_size_bytes",
    "file_count",
    "efficiency",
    "wasted_bytes",
    "recoverable_bytes",
    "user_wasted_percent",
)


def compare_reports(
    a: Mapping[str, Any],
    a_files: Mapping[str, int],
    b: Mapping[str, Any],
    b_files: Mapping[str, int],
    *,
    files_shown: int = _FILES_SHOWN,
) -> dict[str, Any]:
    a_layers = [row for row in a["layers"] if not row["empty"]]
    b_layers = [row for row in b["layers"] if not row["empty"]]
    a_digests = {row["digest"] for row in a_layers}
    b_digests = {row["digest"] for row in b_layers}
    totals = {
        key: {"a": a.get(key), "b": b.get(key), "delta": _delta(a.get(key), b.get(key))}
        for key in _TOTALS
        if key in a or key in b
    }
    return {
        "a": a["image"],
        "b": b["image"],
        "totals": totals,
        "layers": {
            "a": [_layer(row) for row in a_layers],
            "b": [_layer(row) for row in b_layers],
            "shared": sum(1 for row in a_layers if row["digest"] in b_digests),
            "only_in_a": [_layer(row) for row in a_layers if row["digest"] not in b_digests],
            "only_in_b": [_layer(row) for row in b_layers if row["digest"] not in a_digests],
        },
        "files": _file_changes(a_files, b_files)[:files_shown],
    }


def _delta(a: Any, b: Any) -> Any:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return b - a
    return None


def _layer(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "index": row.get("index"),
        "digest": row["digest"],
        "size_bytes": row["size_bytes"],
        "created_by": row["created_by"],
    }


def _file_changes(a: Mapping[str, int], b: Mapping[str, int]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    for path, size in a.items():
        other = b.get(path)
        if other is None:
            changes.append({"path": "/" + path, "a": size, "b": None, "delta": -size})
        elif other != size:
            changes.append({"path": "/" + path, "a": size, "b": other, "delta": other - size})
    for path, size in b.items():
        if path not in a:
            changes.append({"path": "/" + path, "a": None, "b": size, "delta": size})
    changes.sort(key=lambda item: (-abs(item["delta"]), item["path"]))
    return [item for item in changes if item["delta"] != 0]
