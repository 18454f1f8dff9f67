"""DL3027: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3027 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN apt install -y curl", ("FROM debian:12\nRUN apt install -y curl\n"), [2]),
    ("catches: RUN apt update", ("FROM debian:12\nRUN apt update\n"), [2]),
    (
        "catches: RUN set -e; if true; then apt install -y curl; fi",
        ("FROM debian:12\nRUN set -e; if true; then apt install -y curl; fi\n"),
        [2],
    ),
    (
        "catches not: RUN apt-get install -y curl",
        ("FROM debian:12\nRUN apt-get install -y curl\n"),
        [],
    ),
    ("catches not: RUN apt-cache policy curl", ("FROM debian:12\nRUN apt-cache policy curl\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3027(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
