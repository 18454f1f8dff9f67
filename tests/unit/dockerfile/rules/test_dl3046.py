"""DL3046: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3046 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN useradd -u 123456 app", ("FROM debian:12\nRUN useradd -u 123456 app\n"), [2]),
    (
        "catches not: RUN useradd -l -u 123456 app",
        ("FROM debian:12\nRUN useradd -l -u 123456 app\n"),
        [],
    ),
    ("catches not: RUN useradd -u 1000 app", ("FROM debian:12\nRUN useradd -u 1000 app\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3046(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
