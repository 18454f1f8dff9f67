"""DL3049: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3049 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(label_schema={"maintainer": "text"})

CASES = [
    ("catches: FROM debian:12", "FROM debian:12\n", [1]),
    (
        "catches: FROM debian:12 (2)",
        ("FROM debian:12 AS a\nLABEL maintainer=me\nFROM debian:12\n"),
        [3],
    ),
    ("catches not: LABEL maintainer=me", ("FROM debian:12\nLABEL maintainer=me\n"), []),
    ("catches not: FROM a", ("FROM debian:12 AS a\nLABEL maintainer=me\nFROM a\n"), []),
    (
        "catches not: LABEL maintainer=me (2)",
        ("FROM debian:12 AS build\nFROM debian:12\nCOPY --from=build /a /a\nLABEL maintainer=me\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3049(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
