"""DL3022: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3022 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: COPY --from=build /a /a", ("FROM debian:12\nCOPY --from=build /a /a\n"), [2]),
    ("catches: COPY --from=1 /a /a", ("FROM debian:12\nCOPY --from=1 /a /a\n"), [2]),
    (
        "catches: FROM debian:12 AS b",
        ("FROM debian:12 AS a\nCOPY --from=b /x /x\nFROM debian:12 AS b\n"),
        [2],
    ),
    (
        "catches not: COPY --from=build /a /a",
        ("FROM debian:12 AS build\nFROM debian:12\nCOPY --from=build /a /a\n"),
        [],
    ),
    (
        "catches not: COPY --from=0 /a /a",
        ("FROM debian:12\nFROM debian:12\nCOPY --from=0 /a /a\n"),
        [],
    ),
    (
        "catches not: COPY --from=nginx:1.25 /etc/nginx /etc/nginx",
        ("FROM debian:12\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3022(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
