"""DL3057: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3057 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: FROM debian:12", "FROM debian:12\n", [1]),
    (
        "catches: HEALTHCHECK CMD x",
        ("FROM debian AS base\nFROM debian:12\nHEALTHCHECK CMD x\n"),
        [1],
    ),
    (
        "catches: HEALTHCHECK CMD x (2)",
        ("FROM debian:12 AS a\nFROM debian:12 AS b\nHEALTHCHECK CMD x\n"),
        [1],
    ),
    ("catches not: HEALTHCHECK CMD /bin/true", ("FROM debian:12\nHEALTHCHECK CMD /bin/true\n"), []),
    ("catches not: FROM base", ("FROM debian:12 AS base\nHEALTHCHECK CMD true\nFROM base\n"), []),
    (
        "catches not: HEALTHCHECK CMD true",
        ("FROM debian:12 AS base\nFROM base\nHEALTHCHECK CMD true\n"),
        [],
    ),
    (
        "catches not: HEALTHCHECK CMD true (2)",
        ("FROM debian:12 AS a\nFROM a AS b\nFROM b\nHEALTHCHECK CMD true\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3057(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
