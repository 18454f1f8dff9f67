"""DL3034: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3034 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN zypper install httpd=2.4 && zypper clean",
        ("FROM opensuse/leap:15\nRUN zypper install httpd=2.4 && zypper clean\n"),
        [2],
    ),
    (
        "catches not: RUN zypper install -y httpd=2.4 && zypper clean",
        ("FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4 && zypper clean\n"),
        [],
    ),
    (
        "catches not: RUN zypper --non-interactive install httpd=2.4 && zypper cle",
        ("FROM opensuse/leap:15\nRUN zypper --non-interactive install httpd=2.4 && zypper clean\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3034(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
