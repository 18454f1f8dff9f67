"""DL3055: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3055 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(label_schema={"org.opencontainers.image.revision": "hash"})

CASES = [
    (
        "catches: LABEL org.opencontainers.image.revision=xyz",
        ("FROM debian:12\nLABEL org.opencontainers.image.revision=xyz\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.revision=AAAAAAAAAAAAAAAAAAAA",
        (
            "FROM debian:12\n"
            "LABEL org.opencontainers.image.revision=AAAAAAAAAAAAAAAAAAAA"
            "AAAAAAAAAAAAAAAAAAAA\n"
        ),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.revision=1a2b3c",
        ("FROM debian:12\nLABEL org.opencontainers.image.revision=1a2b3c\n"),
        [2],
    ),
    (
        "catches not: LABEL org.opencontainers.image.revision=1a2b3c4",
        ("FROM debian:12\nLABEL org.opencontainers.image.revision=1a2b3c4\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.revision=aaaaaaaaaaaaaaaaaaaa",
        (
            "FROM debian:12\n"
            "LABEL org.opencontainers.image.revision=aaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaa\n"
        ),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3055(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
