"""DL4000 (MAINTAINER is deprecated): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl4000 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("maintainer", "FROM a:1\nMAINTAINER me <me@x.org>\n", [2]),
    ("lower-case keyword", "FROM a:1\nmaintainer me\n", [2]),
    ("label instead", "FROM a:1\nLABEL maintainer=me\n", []),
    ("word in a RUN", "FROM a:1\nRUN echo MAINTAINER\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl4000(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
