"""DL3016: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3016 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN npm install express", ("FROM debian:12\nRUN npm install express\n"), [2]),
    (
        "catches: RUN npm install -g @angular/cli",
        ("FROM debian:12\nRUN npm install -g @angular/cli\n"),
        [2],
    ),
    ("catches not: RUN npm install", ("FROM debian:12\nRUN npm install\n"), []),
    (
        "catches not: RUN npm install express@4.18.2",
        ("FROM debian:12\nRUN npm install express@4.18.2\n"),
        [],
    ),
    (
        "catches not: RUN npm install @angular/cli@17",
        ("FROM debian:12\nRUN npm install @angular/cli@17\n"),
        [],
    ),
    ("catches not: RUN npm install ./local", ("FROM debian:12\nRUN npm install ./local\n"), []),
    (
        "catches not: RUN npm install git+https://github.com/x/y.git#v1.0.0",
        ("FROM debian:12\nRUN npm install git+https://github.com/x/y.git#v1.0.0\n"),
        [],
    ),
    ("catches not: RUN npm install pkg.tgz", ("FROM debian:12\nRUN npm install pkg.tgz\n"), []),
    ("catches not: RUN npm ci", ("FROM debian:12\nRUN npm ci\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3016(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
