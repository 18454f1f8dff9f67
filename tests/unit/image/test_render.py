from __future__ import annotations

import io

from rich.console import Console

from dockyard.image import RuleResult
from dockyard.image._render import compare_markdown, human_bytes, render_ci


def test_sizes_are_si_like_docker_and_dive() -> None:
    assert [human_bytes(n) for n in (0, 999, 1000, 6_000_000, 2_475_427_739, -1500)] == [
        "0 B", "999 B", "1.0 kB", "6.0 MB", "2.5 GB", "-1.5 kB"
    ]  # fmt: skip


def test_ci_report_reads_like_dive() -> None:
    out = io.StringIO()
    report = {
        "efficiency": 0.5,
        "wasted_bytes": 6_000_000,
        "user_wasted_percent": 0.25,
        "files": [{"path": "/work/data", "count": 2, "size_bytes": 3_000_000}],
    }
    results = [
        RuleResult("highestUserWastedPercent", "SKIP", "rule disabled"),
        RuleResult("highestWastedBytes", "FAIL", "too many bytes wasted"),
        RuleResult("lowestEfficiency", "PASS"),
    ]
    render_ci(Console(file=out, width=100), report, results, config="default CI config")
    assert out.getvalue().splitlines() == [
        "  Using default CI config",
        "  efficiency: 50.0000 %",
        "  wastedBytes: 6000000 bytes (6.0 MB)",
        "  userWastedPercent: 25.0000 %",
        "Inefficient Files:",
        "Count  Wasted Space  File Path",
        "    2        3.0 MB  /work/data",
        "Results:",
        "  SKIP: highestUserWastedPercent: rule disabled",
        "  FAIL: highestWastedBytes: too many bytes wasted",
        "  PASS: lowestEfficiency",
        "Result:FAIL [Total:3] [Passed:1] [Failed:1] [Warn:0] [Skipped:1]",
    ]


def test_markdown_comparison() -> None:
    comparison = {
        "a": "app:before",
        "b": "app:after",
        "totals": {"size_bytes": {"a": 3_000_000, "b": 1_000_000, "delta": -2_000_000}},
        "layers": {"a": [{}], "b": [{}], "shared": 1, "only_in_a": [], "only_in_b": []},
        "files": [{"path": "/big", "a": 2_000_000, "b": None, "delta": -2_000_000}],
    }
    assert compare_markdown(comparison).splitlines() == [
        "## `app:before` (A) vs `app:after` (B)",
        "",
        "| | A | B | B - A |",
        "| --- | ---: | ---: | ---: |",
        "| size_bytes | 3.0 MB | 1.0 MB | -2.0 MB |",
        "",
        "Layers: A has 1, B has 1, 1 shared.",
        "",
        "### Files that make the difference",
        "",
        "| change | A | B | path |",
        "| ---: | ---: | ---: | --- |",
        "| -2.0 MB | 2.0 MB | - | `/big` |",
    ]
