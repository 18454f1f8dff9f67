"""DY005 (toolchain in the final stage): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy005 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("gcc and make", "FROM d:1\nRUN apt-get install -y gcc make libpq5\n", [2]),
    ("build-essential with sudo", "FROM d:1\nRUN sudo apt-get install -y build-essential\n", [2]),
    ("alpine build-base", "FROM alpine:3\nRUN apk add --no-cache build-base\n", [2]),
    ("pinned version", "FROM d:1\nRUN apt-get install -y gcc=4:12.2.0-3\n", [2]),
    ("two RUNs", "FROM d:1\nRUN apt-get install -y gcc\nRUN yum install -y cargo\n", [2, 3]),
    ("removed later", "FROM d:1\nRUN apt-get install -y gcc\nRUN apt-get purge -y gcc\n", []),
    (
        "apk virtual build deps deleted",
        "FROM alpine:3\n"
        "RUN apk add --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n",
        [],
    ),
    (
        "multi-stage: toolchain only in the build stage",
        "FROM d:1 AS build\nRUN apt-get install -y gcc\nFROM d:1-slim\nCOPY --from=build /a /a\n",
        [],
    ),
    ("runtime libraries only", "FROM d:1\nRUN apt-get install -y libpq5 ca-certificates\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
