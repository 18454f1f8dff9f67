from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.errors import ConfigError
from dockyard.image import DEFAULT_RULES, evaluate, load_rules, parse_bytes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20MB", 20_000_000),
        ("20MiB", 20 * 2**20),
        ("1.5 GB", 1_500_000_000),
        ("512", 512),
        ("3kb", 3000),
    ],
)
def test_byte_sizes_read_like_dive(text: str, expected: int) -> None:
    assert parse_bytes(text) == expected


def test_a_missing_file_means_dive_defaults(tmp_path: Path) -> None:
    rules, used = load_rules(tmp_path / ".dive-ci")
    assert (
        rules
        == DEFAULT_RULES
        == {
            "lowestEfficiency": "0.9",
            "highestWastedBytes": "disabled",
            "highestUserWastedPercent": "0.1",
        }
    )
    assert used == "default CI config"


def test_rules_file_overrides_and_disables(tmp_path: Path) -> None:
    path = tmp_path / ".dive-ci"
    path.write_text(
        "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n"
        "  highestUserWastedPercent: disabled\n"
    )
    rules, _ = load_rules(path)
    results = {
        r.rule: r for r in evaluate(rules, efficiency=0.9, wasted_bytes=30_000_000, user_wasted=0.5)
    }
    assert results["lowestEfficiency"].status == "FAIL"
    assert "efficiency=0.9 < threshold=0.95" in results["lowestEfficiency"].message
    assert results["highestWastedBytes"].status == "FAIL"
    assert results["highestUserWastedPercent"].status == "SKIP"


def test_passing_image() -> None:
    results = evaluate(DEFAULT_RULES, efficiency=0.99, wasted_bytes=10, user_wasted=0.01)
    assert {r.status for r in results} == {"PASS", "SKIP"}


def test_out_of_range_value_is_misconfigured() -> None:
    rules = dict(DEFAULT_RULES, lowestEfficiency="1.5")
    (result,) = [
        r
        for r in evaluate(rules, efficiency=1, wasted_bytes=0, user_wasted=0)
        if r.rule == "lowestEfficiency"
    ]
    assert result.status == "MISCONFIGURED"


def test_not_yaml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / ".dive-ci"
    path.write_text("rules: [unclosed\n")
    with pytest.raises(ConfigError, match=r"not a readable \.dive-ci"):
        load_rules(path)
