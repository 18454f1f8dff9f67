"""DL3045: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3045 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: COPY app.py app.py", ("FROM debian:12\nCOPY app.py app.py\n"), [2]),
    ("catches: COPY x y", ("FROM debian:12 AS a\nWORKDIR /app\nFROM debian:12\nCOPY x y\n"), [4]),
    ("catches: COPY app.py .", ("FROM debian:12\nCOPY app.py .\n"), [2]),
    ("catches not: COPY app.py app.py", ("FROM debian:12\nWORKDIR /app\nCOPY app.py app.py\n"), []),
    ("catches not: COPY app.py /app/", ("FROM debian:12\nCOPY app.py /app/\n"), []),
    ("catches not: COPY x y", ("FROM debian:12 AS a\nWORKDIR /app\nFROM a\nCOPY x y\n"), []),
    ("catches not: COPY app.py $HOME/", ("FROM debian:12\nCOPY app.py $HOME/\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3045(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
