"""DL3019: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3019 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN apk add curl=8.5.0-r0", ("FROM alpine:3.19\nRUN apk add curl=8.5.0-r0\n"), [2]),
    (
        "catches: RUN apk update && apk add curl=8.5.0-r0",
        ("FROM alpine:3.19\nRUN apk update && apk add curl=8.5.0-r0\n"),
        [2],
    ),
    (
        "catches not: RUN apk add --no-cache curl=8.5.0-r0",
        ("FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\n"),
        [],
    ),
    (
        "catches not: RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.",
        ("FROM alpine:3.19\nRUN --mount=type=cache,target=/var/cache/apk apk add curl=8.5.0-r0\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3019(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
