"""DY002 (apt-get update alone in its layer): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy002 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("apt-get update alone", "FROM d:1\nRUN apt-get update\nRUN apt-get install -y x\n", [2]),
    ("apt update alone", "FROM d:1\nRUN apt update\n", [2]),
    ("apk update alone", "FROM alpine:3\nRUN apk update\nRUN apk add x\n", [2]),
    ("update with something else", "FROM d:1\nRUN apt-get update && echo ok\n", [2]),
    ("sudo update", "FROM d:1\nRUN sudo apt-get update\n", [2]),
    ("update and install together", "FROM d:1\nRUN apt-get update && apt-get install -y x\n", []),
    ("update and upgrade", "FROM d:1\nRUN apt-get update && apt-get -y dist-upgrade\n", []),
    ("apk update and add", "FROM alpine:3\nRUN apk update && apk add x\n", []),
    ("no update", "FROM d:1\nRUN apt-get install -y x\n", []),
    ("update word elsewhere", "FROM d:1\nRUN echo update\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
