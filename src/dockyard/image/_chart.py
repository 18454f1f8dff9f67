"""``compare --chart``: the layer sizes of two images as grouped bars (matplotlib, Agg backend).

matplotlib is an optional extra (``dockyard[chart]``); without it the command says how to get it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dockyard.errors import UsageError

__all__ = ["draw_layer_chart"]

_MB = 1_000_000


def draw_layer_chart(comparison: Mapping[str, Any], path: Path) -> None:
    if path.suffix.lower() not in (".png", ".svg"):
        raise UsageError(f"--chart {path}: the file name must end in .png or .svg")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise UsageError("--chart needs matplotlib: pip install 'dockyard[chart]'") from exc
    a_sizes = [row["size_bytes"] / _MB for row in comparison["layers"]["a"]]
    b_sizes = [row["size_bytes"] / _MB for row in comparison["layers"]["b"]]
    count = max(len(a_sizes), len(b_sizes), 1)
    width = 0.4
    figure, axes = plt.subplots(figsize=(max(6.0, 0.7 * count + 2), 4.5), dpi=110)
    try:
        axes.bar(
            [i - width / 2 for i in range(len(a_sizes))], a_sizes, width, label=comparison["a"]
        )
        axes.bar(
            [i + width / 2 for i in range(len(b_sizes))], b_sizes, width, label=comparison["b"]
        )
        axes.set_xticks(range(count))
        axes.set_xlabel("layer (oldest first)")
        axes.set_ylabel("size (MB, uncompressed)")
        totals = comparison["totals"]["size_bytes"]
        axes.set_title(
            f"{comparison['a']}: {totals['a'] / _MB:.1f} MB   vs   "
            f"{comparison['b']}: {totals['b'] / _MB:.1f} MB",
            fontsize=10,
        )
        axes.legend(fontsize=9)
        axes.grid(axis="y", alpha=0.3)
        figure.tight_layout()
        figure.savefig(path)
    finally:
        plt.close(figure)
