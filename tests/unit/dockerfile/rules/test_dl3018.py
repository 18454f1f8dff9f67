"""DL3018: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3018 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN apk add --no-cache curl",
        ("FROM alpine:3.19\nRUN apk add --no-cache curl\n"),
        [2],
    ),
    (
        "catches: RUN apk add --no-cache curl=8.5.0-r0 git",
        ("FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0 git\n"),
        [2],
    ),
    (
        "catches not: RUN apk add --no-cache curl=8.5.0-r0",
        ("FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\n"),
        [],
    ),
    (
        "catches not: RUN apk add --no-cache ./local.apk",
        ("FROM alpine:3.19\nRUN apk add --no-cache ./local.apk\n"),
        [],
    ),
    (
        "catches not: RUN apk add --no-cache --virtual .build gcc=13.2.1-r0",
        ("FROM alpine:3.19\nRUN apk add --no-cache --virtual .build gcc=13.2.1-r0\n"),
        [],
    ),
    (
        "catches not: RUN apk add --no-cache 'python3>3.10'",
        ("FROM alpine:3.19\nRUN apk add --no-cache 'python3>3.10'\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3018(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
