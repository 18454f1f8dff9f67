"""DL3009: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3009 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN apt-get update && apt-get install -y curl",
        ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"),
        [2],
    ),
    ("catches: RUN ls", ("FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN ls\n"), [2]),
    (
        "catches: ONBUILD RUN apt-get update && apt-get install -y curl",
        ("FROM debian:12\nONBUILD RUN apt-get update && apt-get install -y curl\n"),
        [2],
    ),
    (
        "catches not: RUN apt-get update && apt-get install -y curl && rm -rf /var",
        (
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y curl && rm -rf /var"
            "/lib/apt/lists/*\n"
        ),
        [],
    ),
    (
        "catches not: COPY --from=build /a /a",
        (
            "FROM debian:12 AS build\n"
            "RUN apt-get update && apt-get install -y gcc\n"
            "FROM debian:12\n"
            "COPY --from=build /a /a\n"
        ),
        [],
    ),
    (
        "catches not: RUN --mount=type=cache,target=/var/lib/apt/lists apt-get upd",
        ("FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3009(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
