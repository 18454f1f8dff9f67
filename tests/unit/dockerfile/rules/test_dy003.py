"""DY003 (download tool left in the image): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy003 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "curl installed, used, kept",
        "FROM d:1\nRUN apt-get update && apt-get install -y curl\nRUN curl -o /x https://e/x\n",
        [2],
    ),
    (
        "wget with apk, used in the same RUN",
        "FROM alpine:3\nRUN apk add --no-cache wget && wget -q https://e/x\n",
        [2],
    ),
    (
        "removed afterwards",
        "FROM d:1\nRUN apt-get install -y curl && curl -O https://e/x && apt-get purge -y curl\n",
        [],
    ),
    (
        "apk virtual group deleted",
        "FROM alpine:3\n"
        "RUN apk add --virtual .fetch curl && curl -O https://e/x && apk del .fetch\n",
        [],
    ),
    (
        "needed at run time by HEALTHCHECK",
        "FROM d:1\nRUN apt-get install -y curl && curl -O https://e/x\n"
        "HEALTHCHECK CMD curl -f http://localhost/\n",
        [],
    ),
    ("installed but never used in the build", "FROM d:1\nRUN apt-get install -y curl\n", []),
    (
        "only in a build stage",
        "FROM d:1 AS fetch\nRUN apt-get install -y curl && curl -O https://e/x\nFROM d:1\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
