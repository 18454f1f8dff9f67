"""DL3041: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3041 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN dnf install -y httpd && dnf clean all",
        ("FROM fedora:39\nRUN dnf install -y httpd && dnf clean all\n"),
        [2],
    ),
    (
        "catches not: RUN dnf install -y httpd-2.4.58 && dnf clean all",
        ("FROM fedora:39\nRUN dnf install -y httpd-2.4.58 && dnf clean all\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3041(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
