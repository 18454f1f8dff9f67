"""DL3058: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3058 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(label_schema={"org.opencontainers.image.authors": "email"})

CASES = [
    (
        "catches: LABEL org.opencontainers.image.authors=me",
        ("FROM debian:12\nLABEL org.opencontainers.image.authors=me\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.authors=me@@example.com",
        ("FROM debian:12\nLABEL org.opencontainers.image.authors=me@@example.com\n"),
        [2],
    ),
    (
        "catches not: LABEL org.opencontainers.image.authors=me@example.com",
        ("FROM debian:12\nLABEL org.opencontainers.image.authors=me@example.com\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.authors=a.b+c@example.org",
        ("FROM debian:12\nLABEL org.opencontainers.image.authors=a.b+c@example.org\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3058(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
