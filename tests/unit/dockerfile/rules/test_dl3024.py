"""DL3024: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3024 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: FROM debian:12 AS build",
        ("FROM debian:12 AS build\nFROM debian:12 AS build\n"),
        [2],
    ),
    (
        "catches not: FROM debian:12 AS final",
        ("FROM debian:12 AS build\nFROM debian:12 AS final\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3024(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
