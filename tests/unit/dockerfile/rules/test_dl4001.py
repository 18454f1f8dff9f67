"""DL4001: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl4001 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN wget -q https://y",
        ("FROM debian:12\nRUN curl -o a https://x\nRUN wget -q https://y\n"),
        [3],
    ),
    (
        "catches: RUN wget -q https://y && curl -fsSL https://x",
        ("FROM debian:12\nRUN wget -q https://y && curl -fsSL https://x\n"),
        [2],
    ),
    (
        "catches: ONBUILD RUN wget -q https://y",
        ("FROM debian:12\nONBUILD RUN curl -o a https://x\nONBUILD RUN wget -q https://y\n"),
        [3],
    ),
    (
        "catches not: RUN wget -q https://y",
        ("FROM debian:12\nRUN curl -o a https://x\nFROM debian:12\nRUN wget -q https://y\n"),
        [],
    ),
    (
        "catches not: RUN curl -o b https://y",
        ("FROM debian:12\nRUN curl -o a https://x\nRUN curl -o b https://y\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl4001(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
