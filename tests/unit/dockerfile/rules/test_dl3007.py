"""DL3007: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3007 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: FROM debian:latest", "FROM debian:latest\n", [1]),
    ("catches: FROM debian:latest AS build", "FROM debian:latest AS build\n", [1]),
    ("catches not: FROM debian:12", "FROM debian:12\n", []),
    (
        "catches not: FROM debian:latest@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        (
            "FROM debian:latest@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
        ),
        [],
    ),
    ("catches not: FROM debian", "FROM debian\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3007(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
