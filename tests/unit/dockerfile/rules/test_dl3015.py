"""DL3015: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3015 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN apt-get install -y python3",
        ("FROM debian:12\nRUN apt-get install -y python3\n"),
        [2],
    ),
    (
        "catches not: RUN apt-get install -y --no-install-recommends python3",
        ("FROM debian:12\nRUN apt-get install -y --no-install-recommends python3\n"),
        [],
    ),
    (
        "catches not: RUN apt-get install -y -o APT::Install-Recommends=false pyth",
        ("FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false python3\n"),
        [],
    ),
    ("catches not: RUN apt-get update", ("FROM debian:12\nRUN apt-get update\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3015(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
