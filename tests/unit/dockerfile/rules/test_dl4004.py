"""DL4004: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl4004 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ('catches: ENTRYPOINT ["b"]', ('FROM debian:12\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n'), [3]),
    (
        'catches not: ENTRYPOINT ["b"]',
        ('FROM debian:12\nENTRYPOINT ["a"]\nFROM debian:12\nENTRYPOINT ["b"]\n'),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl4004(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
