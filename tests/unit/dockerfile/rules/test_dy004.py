"""DY004 (ca-certificates auto-removed): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy004 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "purge --auto-remove after installing curl",
        "FROM d:1\nRUN apt-get update && apt-get install -y curl\n"
        "RUN curl -O https://e/x && apt-get purge -y --auto-remove curl\n",
        [3],
    ),
    (
        "autoremove in the same RUN",
        "FROM d:1\nRUN apt-get install -y wget && wget https://e/x && apt-get remove -y wget"
        " && apt-get autoremove -y\n",
        [2],
    ),
    (
        "ca-certificates named in the install",
        "FROM d:1\nRUN apt-get install -y curl ca-certificates"
        " && apt-get purge -y --auto-remove curl\n",
        [],
    ),
    (
        "ca-certificates named through a variable",
        "FROM d:1\nRUN deps='curl ca-certificates' && apt-get install -y $deps"
        " && apt-get purge -y --auto-remove curl\n",
        [],
    ),
    (
        "apt-mark manual",
        "FROM d:1\nRUN apt-get install -y curl && apt-mark manual ca-certificates"
        " && apt-get purge -y --auto-remove curl\n",
        [],
    ),
    (
        "no recommends, so ca-certificates never came in with curl",
        "FROM d:1\nRUN apt-get install -y --no-install-recommends curl"
        " && apt-get purge -y --auto-remove curl\n",
        [],
    ),
    (
        "purge without auto-remove",
        "FROM d:1\nRUN apt-get install -y curl && apt-get purge -y curl\n",
        [],
    ),
    (
        "only in a build stage",
        "FROM d:1 AS b\nRUN apt-get install -y curl && apt-get autoremove -y\nFROM d:1\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
