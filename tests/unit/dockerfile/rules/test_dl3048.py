"""DL3048: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3048 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: LABEL Maintainer=me", ("FROM debian:12\nLABEL Maintainer=me\n"), [2]),
    ("catches: LABEL com.docker.x=1", ("FROM debian:12\nLABEL com.docker.x=1\n"), [2]),
    ("catches: LABEL a..b=1", ("FROM debian:12\nLABEL a..b=1\n"), [2]),
    ("catches not: LABEL maintainer=me", ("FROM debian:12\nLABEL maintainer=me\n"), []),
    (
        "catches not: LABEL org.opencontainers.image.version=1",
        ("FROM debian:12\nLABEL org.opencontainers.image.version=1\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3048(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
