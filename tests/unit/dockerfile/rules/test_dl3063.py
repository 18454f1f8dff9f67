"""DL3063: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3063 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: FROM debian:12 AS scratch", "FROM debian:12 AS scratch\n", [1]),
    ("catches: FROM debian:12 AS context", "FROM debian:12 AS context\n", [1]),
    ("catches not: FROM debian:12 AS build", "FROM debian:12 AS build\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3063(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
