"""DL1001 (inline ignore pragmas): catches / catches-not. Expected lines are what hadolint 2.15.1
reports with the rule raised to ``warning``."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl1001 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: inline ignore",
        "FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\n",
        [2],
    ),
    ("catches: no space after #", "FROM debian:12\n#hadolint ignore=DL3015\nRUN ls\n", [2]),
    (
        "catches: dockyard's synonym",
        "FROM debian:12\n# dockyard ignore=DL3008\nRUN ls\n",
        [2],
    ),
    (
        "catches not: global ignore",
        "# hadolint global ignore=DL3059\nFROM debian:12\nRUN ls\n",
        [],
    ),
    ("catches not: plain comment", "FROM debian:12\n# install curl\nRUN ls\n", []),
    ("catches not: no comment", "FROM debian:12\nRUN ls\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl1001(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
