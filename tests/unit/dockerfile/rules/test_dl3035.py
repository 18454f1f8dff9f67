"""DL3035: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3035 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN zypper dist-upgrade -y",
        ("FROM opensuse/leap:15\nRUN zypper dist-upgrade -y\n"),
        [2],
    ),
    ("catches not: RUN zypper update -y", ("FROM opensuse/leap:15\nRUN zypper update -y\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3035(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
