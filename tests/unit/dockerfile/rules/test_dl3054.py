"""DL3054: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3054 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(label_schema={"org.opencontainers.image.licenses": "spdx"})

CASES = [
    (
        "catches: LABEL org.opencontainers.image.licenses=NOT-A-LICENSE",
        ("FROM debian:12\nLABEL org.opencontainers.image.licenses=NOT-A-LICENSE\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.licenses=mit",
        ("FROM debian:12\nLABEL org.opencontainers.image.licenses=mit\n"),
        [2],
    ),
    (
        "catches: LABEL org.opencontainers.image.licenses=GPL-2.0+",
        ("FROM debian:12\nLABEL org.opencontainers.image.licenses=GPL-2.0+\n"),
        [2],
    ),
    (
        "catches not: LABEL org.opencontainers.image.licenses=MIT",
        ("FROM debian:12\nLABEL org.opencontainers.image.licenses=MIT\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.licenses=Apache-2.0",
        ("FROM debian:12\nLABEL org.opencontainers.image.licenses=Apache-2.0\n"),
        [],
    ),
    (
        "catches not: LABEL org.opencontainers.image.licenses=GPL-3.0-only",
        ("FROM debian:12\nLABEL org.opencontainers.image.licenses=GPL-3.0-only\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3054(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
