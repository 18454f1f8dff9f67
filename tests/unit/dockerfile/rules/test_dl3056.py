"""DL3056: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3056 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(label_schema={"org.opencontainers.image.version": "semver"})

CASES = [
    (
        "catches: LABEL org.opencontainers.image.version=v1",
        ("FROM debian:12\nLABEL org.opencontainers.image.version=v1\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.version=1.2",
        ("FROM debian:12\nLABEL org.opencontainers.image.version=1.2\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.version=1.2.3.4",
        ("FROM debian:12\nLABEL org.opencontainers.image.version=1.2.3.4\n"),
        [2],
    ),
    (
        "catches not: LABEL org.opencontainers.image.version=1.2.3",
        ("FROM debian:12\nLABEL org.opencontainers.image.version=1.2.3\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.version=1.2.3-rc.1+build.5",
        ("FROM debian:12\nLABEL org.opencontainers.image.version=1.2.3-rc.1+build.5\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.version=01.2.3",
        ("FROM debian:12\nLABEL org.opencontainers.image.version=01.2.3\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3056(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
