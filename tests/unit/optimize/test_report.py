"""Smoke comparison, savings and rendering of the before/after report."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.fix import Fix
from dockyard.engine import SmokeRun
from dockyard.errors import UsageError
from dockyard.optimize import (
    Layer,
    Measurement,
    OptimizeReport,
    Variant,
    parse_base_map,
    render_markdown,
    render_text,
    tag_name,
)
from dockyard.optimize._smoke import compare_runs


def measurement(size: int, base: int) -> Measurement:
    layers = (Layer("", base, True), Layer("RUN apt-get install -y jq", size - base, False))
    return Measurement("sha256:" + "0" * 64, size, base, 0.9, layers)


@pytest.mark.parametrize(
    ("reference", "candidate", "passed", "reason"),
    [
        (SmokeRun(0, "ok\n"), SmokeRun(0, "ok"), True, ""),
        (
            SmokeRun(0, "ok"),
            SmokeRun(1, "ok"),
            False,
            "exits with 1 where the original exits with 0",
        ),
        (SmokeRun(0, "0"), SmokeRun(0, "10001"), False, "prints something else than the original"),
        (SmokeRun(2, ""), SmokeRun(0, ""), False, "the original image itself exits with 2"),
    ],
)
def test_smoke_comparison(
    reference: SmokeRun, candidate: SmokeRun, passed: bool, reason: str
) -> None:
    smoke = compare_runs(reference, candidate)
    assert (smoke.passed, smoke.reason) == (passed, reason)


def report() -> OptimizeReport:
    before = Variant("before", "t:before", "", measurement(300_000_000, 100_000_000), None)
    after = Variant(
        "after",
        "t:after",
        "",
        measurement(150_000_000, 100_000_000),
        compare_runs(SmokeRun(0, "x"), SmokeRun(0, "x")),
    )
    return OptimizeReport("dockyard-optimize/app", before, after, (Fix("DL3009", 3, "lists"),), ())


def test_saving_is_of_the_added_bytes() -> None:
    assert report().saving == pytest.approx(0.75)


def test_text_table() -> None:
    lines = render_text(report()).splitlines()
    assert lines[:3] == [
        "                          before    after",
        "total size                300.0 MB  150.0 MB",
        "added on top of the base  200.0 MB  50.0 MB",
    ]
    assert "saved of the added bytes  -         75.0%" in lines
    assert "  line 3: DL3009 lists" in lines


def test_markdown_table() -> None:
    text = render_markdown(report())
    assert "| saved of the added bytes | - | 75.0% |" in text
    assert "- line 3: `DL3009` lists" in text


def test_json_shape() -> None:
    data = report().to_json()
    assert data["before"]["size_bytes"] == 300_000_000
    assert data["after"]["saving"] == pytest.approx(0.75)
    assert data["smoke"]["passed"] is True
    assert data["fixes"] == [{"code": "DL3009", "line": 3, "message": "lists"}]


def test_base_map_and_names() -> None:
    assert parse_base_map(("debian:12=debian:12-slim",)) == {"debian:12": "debian:12-slim"}
    with pytest.raises(UsageError, match="FROM=TO"):
        parse_base_map(("debian",))
    from pathlib import Path

    assert tag_name(Path("/tmp/My App!")) == "my-app"
