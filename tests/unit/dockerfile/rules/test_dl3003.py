"""DL3003: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3003 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN cd /usr/src/app && git pull",
        ("FROM debian:12\nRUN cd /usr/src/app && git pull\n"),
        [2],
    ),
    ("catches: RUN make && cd /tmp", ("FROM debian:12\nRUN make && cd /tmp\n"), [2]),
    ("catches not: RUN git pull", ("FROM debian:12\nWORKDIR /usr/src/app\nRUN git pull\n"), []),
    ("catches not: RUN echo cd", ("FROM debian:12\nRUN echo cd\n"), []),
    (
        "catches not: RUN git clone https://x/y.git && make -C y",
        ("FROM debian:12\nRUN git clone https://x/y.git && make -C y\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3003(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
