"""DL3023: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3023 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: COPY --from=build /a /a",
        ("FROM debian:12 AS build\nCOPY --from=build /a /a\n"),
        [2],
    ),
    (
        "catches not: COPY --from=build /a /a",
        ("FROM debian:12 AS build\nFROM debian:12 AS final\nCOPY --from=build /a /a\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3023(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
