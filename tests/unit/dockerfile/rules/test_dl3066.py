"""DL3066: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3066 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: USER app", ("FROM debian:12\nUSER app\n"), [2]),
    ("catches: USER app:app", ("FROM debian:12\nUSER app:app\n"), [2]),
    ("catches not: USER 1000", ("FROM debian:12\nUSER 1000\n"), []),
    ("catches not: USER 1000:1000", ("FROM debian:12\nUSER 1000:1000\n"), []),
    ("catches not: USER $UID", ("FROM debian:12\nARG UID=1000\nUSER $UID\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3066(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
