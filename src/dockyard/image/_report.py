"""The inspect report: one plain dict (the ``--json`` document) built from data and analysis.

Keys the issue promises: ``image``, ``size_bytes``, ``efficiency``, ``wasted_bytes``,
``recoverable_bytes``, ``user_wasted_percent``, ``layers`` (``digest``, ``size_bytes``,
``created_by``, ``empty``) and ``files`` (the paths dive counts as wasted). The text view and
``compare`` render this same dict, so every view shows the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dockyard.image._analysis import Analysis
from dockyard.image._history import align_dockerfile, align_history
from dockyard.image._model import ImageData

__all__ = ["build_report", "count_base_layers"]

_REMOVED_SHOWN = 200


def count_base_layers(diff_ids: Sequence[str], base_diff_ids: Sequence[str]) -> int:
    """How many bottom layers the image shares, in order, with its base image."""
    count = 0
    for mine, theirs in zip(diff_ids, base_diff_ids, strict=False):
        if mine != theirs:
            break
        count += 1
    return count if count == len(base_diff_ids) else 0


def build_report(
    data: ImageData,
    analysis: Analysis,
    *,
    base: tuple[str, Sequence[str]] | None = None,
    dockerfile: Sequence[tuple[str, int, str]] | None = None,
) -> dict[str, Any]:
    """``base`` is (name, diff_ids) of the FROM image; ``dockerfile`` the final stage's
    instructions as (keyword, line, raw)."""
    base_count = count_base_layers(data.diff_ids, base[1]) if base else 0
    slots = align_history(data.history, len(analysis.layer_sizes))
    lines = (
        align_dockerfile([s.history.created_by for s in slots], dockerfile) if dockerfile else []
    )
    layers = []
    for position, slot in enumerate(slots):
        row: dict[str, Any] = {
            "digest": None,
            "size_bytes": 0,
            "created_by": slot.history.created_by,
            "created": slot.history.created,
            "empty": slot.layer is None,
        }
        if slot.layer is not None:
            row.update(_layer_facts(data, analysis, slot.layer, base_count=base_count))
        if lines and lines[position] is not None:
            line, raw = lines[position]  # type: ignore[misc]
            row["dockerfile_line"] = line
            row["dockerfile_instruction"] = raw
        layers.append(row)
    report: dict[str, Any] = {
        "image": data.name,
        "image_id": data.image_id or None,
        "source": data.source,
        "size_bytes": analysis.size_bytes,
        "efficiency": analysis.efficiency,
        "wasted_bytes": analysis.wasted_bytes,
        "recoverable_bytes": analysis.recoverable_bytes,
        "user_wasted_percent": analysis.user_wasted_percent,
        "user_size_bytes": analysis.user_size_bytes,
        "final_size_bytes": analysis.final_size,
        "file_count": analysis.file_count,
        "layers": layers,
        "files": [
            {"path": f.path, "count": f.count, "size_bytes": f.cumulative_bytes}
            for f in analysis.inefficient
            if f.cumulative_bytes > 0
        ],
        "largest_files": [{"path": "/" + p, "size_bytes": s} for p, s in analysis.largest],
        "removed_files": [
            {
                "path": "/" + r.path,
                "size_bytes": r.size,
                "added_in_layer": r.added_in,
                "removed_in_layer": r.removed_in,
                "how": r.how,
            }
            for r in analysis.removed[:_REMOVED_SHOWN]
        ],
        "removed_files_total": len(analysis.removed),
        "base_image": {"name": base[0], "layers": base_count} if base else None,
        "provenance": {"reader": data.reader, "checked": data.verified},
    }
    if data.compressed_sizes:
        report["compressed_size_bytes"] = sum(data.compressed_sizes)
    return report


def _layer_facts(
    data: ImageData, analysis: Analysis, index: int, *, base_count: int
) -> dict[str, Any]:
    change = analysis.changes[index]
    facts: dict[str, Any] = {
        "index": index,
        "digest": data.diff_ids[index] if index < len(data.diff_ids) else None,
        "size_bytes": analysis.layer_sizes[index],
        "base": index < base_count,
        "added_files": change.added,
        "modified_files": change.modified,
        "deleted_paths": change.deleted,
        "removed_bytes": change.removed_bytes,
    }
    if index < len(data.layer_digests) and data.layer_digests[index] != facts["digest"]:
        facts["blob_digest"] = data.layer_digests[index]
    if index < len(data.compressed_sizes):
        facts["compressed_size_bytes"] = data.compressed_sizes[index]
    return facts
