"""DL3002: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3002 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: USER root", ("FROM debian:12\nUSER root\n"), [2]),
    ("catches: USER 0:0", ("FROM debian:12\nUSER 0:0\n"), [2]),
    ("catches: USER root (2)", ("FROM debian:12\nUSER app\nUSER root\n"), [3]),
    (
        "catches: USER root (3)",
        ("FROM debian:12 AS build\nUSER app\nFROM debian:12\nUSER root\n"),
        [4],
    ),
    ("catches: USER app", ("FROM debian:12 AS build\nUSER root\nFROM debian:12\nUSER app\n"), [2]),
    ("catches not: USER app", ("FROM debian:12\nUSER root\nRUN id\nUSER app\n"), []),
    ("catches not: RUN id", ("FROM debian:12\nRUN id\n"), []),
    ("catches not: USER rootless", ("FROM debian:12\nUSER rootless\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3002(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
