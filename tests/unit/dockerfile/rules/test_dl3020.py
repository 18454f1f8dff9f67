"""DL3020: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3020 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: ADD app.py /app/", ("FROM debian:12\nADD app.py /app/\n"), [2]),
    ("catches: ADD . /app", ("FROM debian:12\nADD . /app\n"), [2]),
    ("catches: ADD site.zip /srv/", ("FROM debian:12\nADD site.zip /srv/\n"), [2]),
    ("catches not: ADD app.tar.gz /app/", ("FROM debian:12\nADD app.tar.gz /app/\n"), []),
    (
        "catches not: ADD https://example.com/app.py /app/",
        ("FROM debian:12\nADD https://example.com/app.py /app/\n"),
        [],
    ),
    ("catches not: COPY app.py /app/", ("FROM debian:12\nCOPY app.py /app/\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3020(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
