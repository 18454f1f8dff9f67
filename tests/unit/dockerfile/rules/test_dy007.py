"""DY007 (heavy base image): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy007 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("python full", "FROM python:3.12\n", [1]),
    ("node via ARG", "ARG NODE=node:20\nFROM ${NODE}\n", [2]),
    ("debian full", "FROM debian:bookworm\n", [1]),
    ("golang as runtime", 'FROM golang:1.22\nCMD ["app"]\n', [1]),
    ("final stage built from a heavy stage", "FROM python:3.12 AS base\nFROM base\n", [2]),
    ("python slim", "FROM python:3.12-slim\n", []),
    ("node alpine", "FROM node:20-alpine\n", []),
    ("debian slim", "FROM debian:bookworm-slim\n", []),
    ("heavy image only in the build stage", "FROM golang:1.22 AS b\nFROM scratch\n", []),
    ("unknown image", "FROM nginx:1.27\n", []),
    ("unresolved variable", "FROM ${BASE}\n", []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
