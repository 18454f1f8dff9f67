"""DL3042: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3042 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN pip install django==4.2",
        ("FROM debian:12\nRUN pip install django==4.2\n"),
        [2],
    ),
    (
        "catches not: RUN pip install --no-cache-dir django==4.2",
        ("FROM debian:12\nRUN pip install --no-cache-dir django==4.2\n"),
        [],
    ),
    (
        "catches not: RUN pip install django==4.2",
        ("FROM debian:12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install django==4.2\n"),
        [],
    ),
    (
        "catches not: RUN PIP_NO_CACHE_DIR=1 pip install django==4.2",
        ("FROM debian:12\nRUN PIP_NO_CACHE_DIR=1 pip install django==4.2\n"),
        [],
    ),
    (
        "catches not: RUN --mount=type=cache,target=/root/.cache/pip pip install d",
        (
            "FROM debian:12\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install d"
            "jango==4.2\n"
        ),
        [],
    ),
    (
        "catches not: RUN pipx install black==24.1.0",
        ("FROM debian:12\nRUN pipx install black==24.1.0\n"),
        [],
    ),
    (
        "catches not: RUN pip install django==4.2 (2)",
        (
            "FROM python:3.12 AS base\n"
            "ENV PIP_NO_CACHE_DIR=1\n"
            "FROM base\n"
            "RUN pip install django==4.2\n"
        ),
        [],
    ),
    (
        "catches not: RUN pip install -r requirements.txt --no-cache-dir",
        ("FROM debian:12\nRUN pip install -r requirements.txt --no-cache-dir\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3042(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
