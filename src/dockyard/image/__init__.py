"""Image analysis: layers, history, wasted space and comparison, fed by engine/registry/archive.

Readers turn every source into the same compact model (:class:`ImageData`: config, diff ids and
per-layer :class:`LayerFiles`); :func:`analyse` counts efficiency and wasted bytes exactly as dive
does, plus ``recoverable_bytes``; :func:`build_report` makes the ``--json`` document that every
view renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard._lazy import lazy_attributes
from dockyard.image._analysis import (
    Analysis,
    Analyzer,
    FileCopies,
    LayerChange,
    RemovedFile,
    analyse,
)
from dockyard.image._archive import read_archive
from dockyard.image._cache import LayerCache, default_cache_dir
from dockyard.image._compare import compare_reports
from dockyard.image._diveci import DEFAULT_RULES, RuleResult, evaluate, load_rules, parse_bytes
from dockyard.image._history import align_dockerfile, align_history, instruction_keyword
from dockyard.image._inspect import (
    LayerLine,
    LayerSummary,
    check_ci,
    image_report,
    layer_summary,
)
from dockyard.image._model import Entry, EntryKind, HistoryEntry, ImageData, LayerFiles
from dockyard.image._report import build_report, count_base_layers
from dockyard.image._sources import (
    SOURCES,
    engine_diff_ids,
    guess_base_image,
    guess_source,
    load_from_archive,
    load_from_engine,
    load_image,
)
from dockyard.image._tarscan import read_layer_tar
from dockyard.image._tarsplit import read_tar_split

if TYPE_CHECKING:
    from dockyard.image._chart import draw_layer_chart
    from dockyard.image._render import compare_markdown, render_ci, render_compare, render_inspect

# Imported on first use (PEP 562): these pull in heavier dependencies.
_LAZY = {
    "draw_layer_chart": "_chart",
    "compare_markdown": "_render",
    "render_ci": "_render",
    "render_compare": "_render",
    "render_inspect": "_render",
}

__all__ = [
    "DEFAULT_RULES",
    "SOURCES",
    "Analysis",
    "Analyzer",
    "Entry",
    "EntryKind",
    "FileCopies",
    "HistoryEntry",
    "ImageData",
    "LayerCache",
    "LayerChange",
    "LayerFiles",
    "LayerLine",
    "LayerSummary",
    "RemovedFile",
    "RuleResult",
    "align_dockerfile",
    "align_history",
    "analyse",
    "build_report",
    "check_ci",
    "compare_markdown",
    "compare_reports",
    "count_base_layers",
    "default_cache_dir",
    "draw_layer_chart",
    "engine_diff_ids",
    "evaluate",
    "guess_base_image",
    "guess_source",
    "image_report",
    "instruction_keyword",
    "layer_summary",
    "load_from_archive",
    "load_from_engine",
    "load_image",
    "load_rules",
    "parse_bytes",
    "read_archive",
    "read_layer_tar",
    "read_tar_split",
    "render_ci",
    "render_compare",
    "render_inspect",
]


__getattr__ = lazy_attributes(__name__, _LAZY)
