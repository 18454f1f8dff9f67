"""DL3059: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3059 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN ls", ("FROM debian:12\nRUN apt-get update\nRUN ls\n"), [3]),
    ("catches: RUN c", ("FROM debian:12\nRUN a\n# comment\nRUN b\nRUN c\n"), [4, 5]),
    ("catches: RUN ls (2)", ("FROM debian:12\nRUN f() { ls; }\nRUN ls\n"), [3]),
    (
        "catches: RUN --mount=type=cache,target=/root/.cache id",
        (
            "FROM debian:12\n"
            "RUN --mount=type=cache,target=/root/.cache ls\n"
            "RUN --mount=type=cache,target=/root/.cache id\n"
        ),
        [3],
    ),
    (
        "catches not: RUN ls",
        ("FROM debian:12\nRUN apt-get update && apt-get install -y curl && ls\nRUN ls\n"),
        [],
    ),
    (
        "catches not: RUN echo deb > /etc/apt/sources.list",
        (
            "FROM debian:12\n"
            "RUN curl -o k https://x/key && apt-key add k\n"
            "RUN echo deb > /etc/apt/sources.list\n"
        ),
        [],
    ),
    ("catches not: RUN ls (2)", ("FROM debian:12\nRUN ls\nWORKDIR /a\nRUN ls\n"), []),
    (
        "catches not: RUN --mount=type=cache,target=/root/.cache ls",
        ("FROM debian:12\nRUN ls\nRUN --mount=type=cache,target=/root/.cache ls\n"),
        [],
    ),
    ("catches not: RUN ls (3)", ("FROM debian:12\nRUN time make\nRUN ls\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3059(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
