"""DL3014: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3014 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN apt-get install python3",
        ("FROM debian:12\nRUN apt-get install python3\n"),
        [2],
    ),
    (
        "catches: RUN apt-get update && apt-get install -q curl",
        ("FROM debian:12\nRUN apt-get update && apt-get install -q curl\n"),
        [2],
    ),
    (
        "catches not: RUN apt-get install -y python3",
        ("FROM debian:12\nRUN apt-get install -y python3\n"),
        [],
    ),
    (
        "catches not: RUN apt-get -yq install curl",
        ("FROM debian:12\nRUN apt-get -yq install curl\n"),
        [],
    ),
    (
        "catches not: RUN apt-get install --assume-yes curl",
        ("FROM debian:12\nRUN apt-get install --assume-yes curl\n"),
        [],
    ),
    (
        "catches not: RUN apt-get -qq install curl",
        ("FROM debian:12\nRUN apt-get -qq install curl\n"),
        [],
    ),
    (
        "catches not: RUN apt-get -q -q install curl",
        ("FROM debian:12\nRUN apt-get -q -q install curl\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3014(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
