"""DL3064: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3064 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: ARG GITHUB_TOKEN", ("FROM debian:12\nARG GITHUB_TOKEN\n"), [2]),
    ("catches: ENV DB_PASSWORD=x", ("FROM debian:12\nENV DB_PASSWORD=x\n"), [2]),
    ("catches: ARG my_api_key", ("FROM debian:12\nARG my_api_key\n"), [2]),
    ("catches not: ARG VERSION", ("FROM debian:12\nARG VERSION\n"), []),
    (
        "catches not: ENV PATH=/usr/local/bin:$PATH",
        ("FROM debian:12\nENV PATH=/usr/local/bin:$PATH\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3064(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
