"""DL3026: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3026 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CTX = LintContext(trusted_registries=("docker.io",))

CASES = [
    ("catches: FROM evil.example.com/debian:12", "FROM evil.example.com/debian:12\n", [1]),
    ("catches: FROM quay.io/debian:12 AS q", "FROM quay.io/debian:12 AS q\n", [1]),
    ("catches not: FROM docker.io/debian:12", "FROM docker.io/debian:12\n", []),
    ("catches not: FROM debian:12", "FROM debian:12\n", []),
    ("catches not: FROM scratch", "FROM scratch\n", []),
    ("catches not: FROM base", ("FROM docker.io/debian:12 AS base\nFROM base\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3026(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines, ctx=CTX)
