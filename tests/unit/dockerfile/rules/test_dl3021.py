"""DL3021: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3021 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: COPY a.txt b.txt /app", ("FROM debian:12\nCOPY a.txt b.txt /app\n"), [2]),
    ("catches not: COPY a.txt b.txt /app/", ("FROM debian:12\nCOPY a.txt b.txt /app/\n"), []),
    ("catches not: COPY a.txt /app", ("FROM debian:12\nCOPY a.txt /app\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3021(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
