"""`dockyard compare` on real images, and dockyard's figures next to dive's on the same image."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import WastefulImage, run_dockyard

DIVE = Path(sys.executable).with_name("dive")


def test_compare_shows_layers_and_files_that_differ(
    wasteful_image: WastefulImage, tmp_path: Path, cache: Path
) -> None:
    chart = tmp_path / "layers.png"
    result = run_dockyard(
        "compare",
        "--json",
        "--chart",
        str(chart),
        wasteful_image.base,
        wasteful_image.tag,
        cache=cache,
    )
    assert result.code == 0, result.stderr
    comparison = result.json()
    assert comparison["layers"]["shared"] == 1
    assert len(comparison["layers"]["only_in_b"]) == 4
    assert comparison["layers"]["only_in_a"] == []
    assert {"path": "/work/data", "a": None, "b": 2_000_000, "delta": 2_000_000} in comparison[
        "files"
    ]
    assert comparison["totals"]["wasted_bytes"]["delta"] == 6_000_000
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_markdown_and_text(wasteful_image: WastefulImage, cache: Path) -> None:
    markdown = run_dockyard(
        "compare", "--markdown", wasteful_image.base, wasteful_image.tag, cache=cache
    )
    assert markdown.code == 0, markdown.stderr
    assert "| size_bytes |" in markdown.stdout
    assert "### Layers only in B" in markdown.stdout
    text = run_dockyard("compare", wasteful_image.base, wasteful_image.tag, cache=cache)
    assert "Layers: A has 1, B has 5, 1 shared" in text.stdout


def test_compare_refuses_a_chart_it_cannot_write(
    wasteful_image: WastefulImage, cache: Path
) -> None:
    result = run_dockyard(
        "compare", "--chart", "x.gif", wasteful_image.base, wasteful_image.tag, cache=cache
    )
    assert result.code == 2


def test_figures_match_dive(wasteful_image: WastefulImage, tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "dive.json"
    subprocess.run(
        [str(DIVE), wasteful_image.tag, "--json", str(out)],
        env={**os.environ, "CI": "true"},
        capture_output=True,
        check=True,
        timeout=600,
    )
    dive = json.loads(out.read_text())["image"]
    mine = run_dockyard("inspect", "--json", wasteful_image.tag, cache=cache).json()
    assert mine["size_bytes"] == dive["sizeBytes"]
    assert mine["wasted_bytes"] == dive["inefficientBytes"]
    assert abs(mine["efficiency"] - dive["efficiencyScore"]) < 1e-9
