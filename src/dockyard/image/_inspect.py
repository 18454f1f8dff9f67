"""``inspect`` and ``compare`` from start to report: read one image, analyse it, mark its base.

The command modules only parse options and render; this is the wiring between them and the
readers (:func:`load_image`), the analysis (:func:`analyse`) and the report
(:func:`build_report`), and dive's CI rules applied to a report (:func:`check_ci`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockyard.engine import Engine
from dockyard.errors import DockyardError, ImageNotFound
from dockyard.image._analysis import analyse
from dockyard.image._cache import LayerCache, default_cache_dir
from dockyard.image._diveci import RuleResult, evaluate, load_rules
from dockyard.image._model import ImageData
from dockyard.image._report import build_report
from dockyard.image._sources import (
    engine_diff_ids,
    guess_base_image,
    load_from_engine,
    load_image,
)

__all__ = ["LayerLine", "LayerSummary", "check_ci", "image_report", "layer_summary"]

Instructions = Sequence[tuple[str, int, str]]  # (keyword, line, raw) of the final stage


def image_report(
    image: str,
    *,
    source: str | None,
    environ: Mapping[str, str],
    platform: str | None = None,
    base_image: str | None = None,
    dockerfile: Instructions | None = None,
    no_cache: bool = False,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Read and analyse one image; the report and its final files (path -> size, for compare).
    ``base_image``: the FROM image in the engine, ``"auto"`` to find it by layer digests, or
    None for the OCI base-name label's image, if the engine has it."""
    cache = LayerCache(None if no_cache else default_cache_dir(dict(environ)))
    with Engine() as engine:
        data = load_image(
            image,
            source=source,
            engine=engine,
            cache=cache,
            platform=platform,
            environ=dict(environ),
        )
        analysis = analyse(data.layers)
        data.layers = []  # the entries are no longer needed; keep memory flat
        base = _base(engine, data, base_image)
        if base_image and base_image != "auto" and base is None:
            raise ImageNotFound(f"base image {base_image} is not in the engine")
    instructions = list(dockerfile) if dockerfile is not None else None
    report = build_report(data, analysis, base=base, dockerfile=instructions)
    return report, analysis.final_files


@dataclass(frozen=True)
class LayerLine:
    """One row of ``dockyard inspect``'s layer table."""

    command: str  # the history's created_by
    size_bytes: int
    empty: bool  # made no layer (ENV, CMD, ...)
    base: bool  # belongs to the base image


@dataclass(frozen=True)
class LayerSummary:
    """An image's layers and waste, as ``dockyard inspect`` counts them, small enough to keep."""

    layers: tuple[LayerLine, ...]
    size_bytes: int
    efficiency: float
    wasted_bytes: int
    base_image: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "size_bytes": self.size_bytes,
            "efficiency": self.efficiency,
            "wasted_bytes": self.wasted_bytes,
            "base_image": self.base_image,
            "layers": [
                {
                    "command": line.command,
                    "size_bytes": line.size_bytes,
                    "empty": line.empty,
                    "base": line.base,
                }
                for line in self.layers
            ],
        }


def layer_summary(engine: Engine, *, ref: str) -> LayerSummary:
    """``dockyard inspect``'s layer table and waste for ``ref`` in the engine (its base found
    by the OCI base-name label, as ``inspect`` does without ``--base``)."""
    data = load_from_engine(engine, ref=ref, cache=LayerCache(None))
    analysis = analyse(data.layers)
    data.layers = []
    report = build_report(data, analysis, base=_base(engine, data, None))
    base = report["base_image"]
    return LayerSummary(
        layers=tuple(
            LayerLine(
                command=str(row["created_by"]),
                size_bytes=int(row["size_bytes"]),
                empty=bool(row["empty"]),
                base=bool(row.get("base", False)),
            )
            for row in report["layers"]
        ),
        size_bytes=int(report["size_bytes"]),
        efficiency=float(report["efficiency"]),
        wasted_bytes=int(report["wasted_bytes"]),
        base_image=str(base["name"]) if base else None,
    )


def check_ci(report: dict[str, Any], config: Path) -> tuple[list[RuleResult], str, bool]:
    """dive's CI rules from ``config`` (its defaults when the file is missing) applied to the
    report, recorded in ``report["ci"]``; the results, the config used, and whether it failed."""
    rules, used = load_rules(config)
    results = evaluate(
        rules,
        efficiency=report["efficiency"],
        wasted_bytes=report["wasted_bytes"],
        user_wasted=report["user_wasted_percent"],
    )
    failed = any(r.status in ("FAIL", "MISCONFIGURED") for r in results)
    report["ci"] = {
        "config": used,
        "pass": not failed,
        "rules": [{"rule": r.rule, "status": r.status, "message": r.message} for r in results],
    }
    return results, used, failed


def _base(engine: Engine, data: ImageData, name: str | None) -> tuple[str, list[str]] | None:
    """The FROM image's layers: ``--base IMAGE``; ``--base auto`` (the tagged image in the engine
    whose layers are the longest prefix of this one's); else the OCI base-name label, if the
    engine has that image."""
    if name == "auto":
        return guess_base_image(engine, diff_ids=list(data.diff_ids))
    candidate = name
    if candidate is None:
        config = data.config.get("config")
        labels = config.get("Labels") if isinstance(config, dict) else None
        label = (
            labels.get("org.opencontainers.image.base.name") if isinstance(labels, dict) else None
        )
        candidate = str(label) if label else None
    if not candidate:
        return None
    try:
        diff_ids = engine_diff_ids(engine, ref=str(candidate))
    except DockyardError:
        if name:
            raise
        return None
    return (str(candidate), diff_ids) if diff_ids is not None else None
