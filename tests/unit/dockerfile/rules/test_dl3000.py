"""DL3000 (absolute WORKDIR): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3000 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("relative path", "FROM a:1\nWORKDIR app\n", [2]),
    ("relative dot path", "FROM a:1\nWORKDIR ./app\n", [2]),
    ("quoted relative", 'FROM a:1\nWORKDIR "app"\n', [2]),
    ("two findings", "FROM a:1\nWORKDIR a\nWORKDIR /b\nWORKDIR c\n", [2, 4]),
    ("absolute", "FROM a:1\nWORKDIR /app\n", []),
    ("quoted absolute", 'FROM a:1\nWORKDIR "/app"\n', []),
    ("variable", "FROM a:1\nWORKDIR $HOME\n", []),
    ("braced variable", "FROM a:1\nWORKDIR ${APP_DIR}/x\n", []),
    ("windows drive", "FROM a:1\nWORKDIR C:\\\\app\n", []),
    ("no WORKDIR", "FROM a:1\nRUN cd app\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3000(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
