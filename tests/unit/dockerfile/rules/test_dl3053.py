"""DL3053: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3053 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(label_schema={"org.opencontainers.image.created": "rfc3339"})

CASES = [
    (
        "catches: LABEL org.opencontainers.image.created=yesterday",
        ("FROM debian:12\nLABEL org.opencontainers.image.created=yesterday\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.created=2024-01-02",
        ("FROM debian:12\nLABEL org.opencontainers.image.created=2024-01-02\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.created=2024-02-30T00:00:00Z",
        ("FROM debian:12\nLABEL org.opencontainers.image.created=2024-02-30T00:00:00Z\n"),
        [2],
    ),
    (
        "catches not: LABEL org.opencontainers.image.created=2024-01-02T03:04:05Z",
        ("FROM debian:12\nLABEL org.opencontainers.image.created=2024-01-02T03:04:05Z\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.created=2024-01-02T03:04:05.1",
        ("FROM debian:12\nLABEL org.opencontainers.image.created=2024-01-02T03:04:05.123+01:00\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3053(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
