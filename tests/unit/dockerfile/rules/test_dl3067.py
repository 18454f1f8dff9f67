"""DL3067: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3067 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: COPY --from=a / /",
        ("FROM debian:12 AS a\nFROM debian:12\nCOPY --from=a / /\n"),
        [3],
    ),
    (
        "catches not: COPY --from=a /app /app",
        ("FROM debian:12 AS a\nFROM debian:12\nCOPY --from=a /app /app\n"),
        [],
    ),
    ("catches not: COPY . /", ("FROM debian:12\nCOPY . /\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3067(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
