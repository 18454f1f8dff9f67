"""DL3047: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3047 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN wget https://example.com/a.tgz",
        ("FROM debian:12\nRUN wget https://example.com/a.tgz\n"),
        [2],
    ),
    (
        "catches: RUN wget -O a.tgz https://example.com/a.tgz",
        ("FROM debian:12\nRUN wget -O a.tgz https://example.com/a.tgz\n"),
        [2],
    ),
    (
        "catches not: RUN wget -q https://example.com/a.tgz",
        ("FROM debian:12\nRUN wget -q https://example.com/a.tgz\n"),
        [],
    ),
    (
        "catches not: RUN wget --progress=dot:giga https://example.com/a.tgz",
        ("FROM debian:12\nRUN wget --progress=dot:giga https://example.com/a.tgz\n"),
        [],
    ),
    (
        "catches not: RUN wget -nv https://example.com/a.tgz",
        ("FROM debian:12\nRUN wget -nv https://example.com/a.tgz\n"),
        [],
    ),
    (
        "catches not: RUN wget -o wget.log https://example.com/a.tgz",
        ("FROM debian:12\nRUN wget -o wget.log https://example.com/a.tgz\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3047(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
