"""DL4003: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl4003 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ('catches: CMD ["b"]', ('FROM debian:12\nCMD ["a"]\nCMD ["b"]\n'), [3]),
    ('catches not: CMD ["b"]', ('FROM debian:12\nCMD ["a"]\nFROM debian:12\nCMD ["b"]\n'), []),
    ('catches not: CMD ["a"]', ('FROM debian:12\nCMD ["a"]\n'), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl4003(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
