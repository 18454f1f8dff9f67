"""DL4005: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl4005 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN ln -sf /bin/bash /bin/sh",
        ("FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n"),
        [2],
    ),
    ('catches not: SHELL ["/bin/bash", "-c"]', ('FROM debian:12\nSHELL ["/bin/bash", "-c"]\n'), []),
    (
        "catches not: RUN ln -s /usr/bin/python3 /usr/bin/python",
        ("FROM debian:12\nRUN ln -s /usr/bin/python3 /usr/bin/python\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl4005(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
