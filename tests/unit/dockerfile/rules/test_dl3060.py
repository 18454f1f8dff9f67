"""DL3060: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3060 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN yarn install", ("FROM node:20\nRUN yarn install\n"), [2]),
    (
        "catches: RUN yarn cache clean && yarn install",
        ("FROM node:20\nRUN yarn cache clean && yarn install\n"),
        [2],
    ),
    (
        "catches not: RUN yarn install && yarn cache clean",
        ("FROM node:20\nRUN yarn install && yarn cache clean\n"),
        [],
    ),
    (
        "catches not: COPY --from=build /a /a",
        ("FROM node:20 AS build\nRUN yarn install\nFROM node:20\nCOPY --from=build /a /a\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3060(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
