"""DL3011: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3011 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: EXPOSE 80000", ("FROM debian:12\nEXPOSE 80000\n"), [2]),
    ("catches: EXPOSE 80 65536/udp", ("FROM debian:12\nEXPOSE 80 65536/udp\n"), [2]),
    ("catches: EXPOSE 8000-70000", ("FROM debian:12\nEXPOSE 8000-70000\n"), [2]),
    ("catches not: EXPOSE 80", ("FROM debian:12\nEXPOSE 80\n"), []),
    ("catches not: EXPOSE 65535/tcp 443", ("FROM debian:12\nEXPOSE 65535/tcp 443\n"), []),
    ("catches not: EXPOSE 8000-9000", ("FROM debian:12\nEXPOSE 8000-9000\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3011(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
