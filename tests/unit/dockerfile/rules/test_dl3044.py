"""DL3044: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3044 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: ENV A=1 B=$A", ("FROM debian:12\nENV A=1 B=$A\n"), [2]),
    ("catches: ENV A=1 B=${A}/x", ("FROM debian:12\nENV A=1 B=${A}/x\n"), [2]),
    ("catches not: ENV B=$A", ("FROM debian:12\nENV A=1\nENV B=$A\n"), []),
    ("catches not: ENV A=1 B=$AB", ("FROM debian:12\nENV A=1 B=$AB\n"), []),
    ("catches not: ENV A=1 B=$A", ("FROM debian:12\nARG A\nENV A=1 B=$A\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3044(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
