"""DL3001: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3001 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN top", ("FROM debian:12\nRUN top\n"), [2]),
    (
        "catches: RUN apt-get update && ssh user@host",
        ("FROM debian:12\nRUN apt-get update && ssh user@host\n"),
        [2],
    ),
    ("catches: RUN service nginx start", ("FROM debian:12\nRUN service nginx start\n"), [2]),
    ("catches: ONBUILD RUN vim /etc/hosts", ("FROM debian:12\nONBUILD RUN vim /etc/hosts\n"), [2]),
    ("catches not: RUN echo top", ("FROM debian:12\nRUN echo top\n"), []),
    (
        "catches not: RUN apt-get install -y openssh-client",
        ("FROM debian:12\nRUN apt-get install -y openssh-client\n"),
        [],
    ),
    ("catches not: RUN ifconfig", ("FROM debian:12\nRUN ifconfig\n"), []),
    ("catches not: RUN sudo -u app ps", ("FROM debian:12\nRUN sudo -u app ps\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3001(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
