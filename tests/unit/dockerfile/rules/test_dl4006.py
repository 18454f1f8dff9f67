"""DL4006: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl4006 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN wget -qO- https://x | tar xz",
        ("FROM debian:12\nRUN wget -qO- https://x | tar xz\n"),
        [2],
    ),
    (
        "catches: RUN wget -qO- https://x | tar xz (2)",
        (
            "FROM debian:12\n"
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "FROM debian:12\n"
            "RUN wget -qO- https://x | tar xz\n"
        ),
        [4],
    ),
    ("catches: RUN echo $(ls | head -1)", ("FROM debian:12\nRUN echo $(ls | head -1)\n"), [2]),
    (
        "catches not: RUN wget -qO- https://x | tar xz",
        (
            "FROM debian:12\n"
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "RUN wget -qO- https://x | tar xz\n"
        ),
        [],
    ),
    (
        "catches not: RUN wget -qO- https://x > a",
        ("FROM debian:12\nRUN wget -qO- https://x > a\n"),
        [],
    ),
    (
        "catches not: RUN Get-ChildItem | Select-Object Name",
        (
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            'SHELL ["powershell", "-command"]\n'
            "RUN Get-ChildItem | Select-Object Name\n"
        ),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl4006(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
