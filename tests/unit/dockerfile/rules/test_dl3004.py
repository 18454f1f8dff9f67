"""DL3004: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3004 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN sudo apt-get install -y vim",
        ("FROM debian:12\nRUN sudo apt-get install -y vim\n"),
        [2],
    ),
    ("catches: RUN set -e; sudo ls", ("FROM debian:12\nRUN set -e; sudo ls\n"), [2]),
    ("catches: ONBUILD RUN sudo ls", ("FROM debian:12\nONBUILD RUN sudo ls\n"), [2]),
    ("catches not: RUN gosu app ls", ("FROM debian:12\nRUN gosu app ls\n"), []),
    (
        "catches not: RUN apt-get install -y sudo",
        ("FROM debian:12\nRUN apt-get install -y sudo\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3004(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
