"""DL3029: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3029 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: FROM --platform=linux/amd64 debian:12",
        "FROM --platform=linux/amd64 debian:12\n",
        [1],
    ),
    (
        "catches not: FROM --platform=$BUILDPLATFORM debian:12",
        "FROM --platform=$BUILDPLATFORM debian:12\n",
        [],
    ),
    ("catches not: FROM debian:12", "FROM debian:12\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3029(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
