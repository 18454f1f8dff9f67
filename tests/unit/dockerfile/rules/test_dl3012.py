"""DL3012: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3012 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: HEALTHCHECK CMD /bin/false",
        ("FROM debian:12\nHEALTHCHECK CMD /bin/true\nHEALTHCHECK CMD /bin/false\n"),
        [3],
    ),
    ("catches not: HEALTHCHECK CMD /bin/true", ("FROM debian:12\nHEALTHCHECK CMD /bin/true\n"), []),
    (
        "catches not: HEALTHCHECK CMD /bin/true (2)",
        ("FROM debian:12\nHEALTHCHECK CMD /bin/true\nFROM debian:12\nHEALTHCHECK CMD /bin/true\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3012(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
