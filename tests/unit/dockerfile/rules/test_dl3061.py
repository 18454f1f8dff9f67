"""DL3061: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3061 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: FROM debian:12", ("LABEL a=b\nFROM debian:12\n"), [1]),
    ("catches not: FROM debian:${V}", ("ARG V=12\nFROM debian:${V}\n"), []),
    ("catches not: FROM debian:12", ("# comment\nFROM debian:12\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3061(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
