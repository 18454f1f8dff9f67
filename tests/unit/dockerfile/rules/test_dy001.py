"""DY001 (the image runs as root): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy001 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("no USER at all", 'FROM debian:12-slim\nRUN true\nCMD ["app"]\n', [1]),
    ("USER only in a build stage", "FROM golang:1 AS b\nUSER 1000\nFROM debian:12-slim\n", [3]),
    # A final USER root is DL3002's finding: not reported twice.
    ("last USER is root", "FROM debian:12-slim\nUSER app\nRUN x\nUSER root\n", []),
    ("last USER is uid 0 with group", "FROM debian:12-slim\nUSER 0:0\n", []),
    ("scratch runs as root too", "FROM scratch\nCOPY app /app\n", [1]),
    ("non-root user", "FROM debian:12-slim\nUSER 10001\n", []),
    ("back to non-root after root", "FROM debian:12-slim\nUSER root\nRUN x\nUSER app\n", []),
    ("named user with group", "FROM debian:12-slim\nUSER app:app\n", []),
    ("USER inherited from the parent stage", "FROM a:1 AS base\nUSER app\nFROM base\nRUN x\n", []),
    ("nonroot base tag", "FROM gcr.io/distroless/static:nonroot\nCOPY a /a\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
