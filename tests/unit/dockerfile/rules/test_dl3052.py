"""DL3052: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3052 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(label_schema={"org.opencontainers.image.url": "url"})

CASES = [
    (
        "catches: LABEL org.opencontainers.image.url=not-a-url",
        ("FROM debian:12\nLABEL org.opencontainers.image.url=not-a-url\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.url=https://example.com/%zz",
        ("FROM debian:12\nLABEL org.opencontainers.image.url=https://example.com/%zz\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.url=//example.com",
        ("FROM debian:12\nLABEL org.opencontainers.image.url=//example.com\n"),
        [2],
    ),
    (
        "catches not: LABEL org.opencontainers.image.url=https://example.com/app",
        ("FROM debian:12\nLABEL org.opencontainers.image.url=https://example.com/app\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.url=mailto:me@example.com",
        ("FROM debian:12\nLABEL org.opencontainers.image.url=mailto:me@example.com\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.url=https://example.com/a%2Fb",
        ("FROM debian:12\nLABEL org.opencontainers.image.url=https://example.com/a%2Fb\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3052(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
