"""DL3006 (tag the image): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3006 import image_parts, rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("untagged", "FROM debian\n", [1]),
    ("untagged with registry port", "FROM localhost:5000/app\n", [1]),
    ("untagged with alias", "FROM debian AS base\n", [1]),
    ("second stage untagged", "FROM a:1 AS b\nFROM python\n", [2]),
    ("tagged", "FROM debian:12\n", []),
    ("registry with port and tag", "FROM localhost:5000/app:1\n", []),
    ("digest", "FROM debian@sha256:" + "0" * 64 + "\n", []),
    ("scratch", "FROM scratch\n", []),
    ("variable image", "ARG IMG=debian\nFROM $IMG\n", []),
    ("braced variable after registry", "FROM docker.io/${IMG}\n", []),
    ("previous stage alias", "FROM golang:1 AS build\nFROM build\n", []),
    ("previous stage alias, other case", "FROM golang:1 AS Build\nFROM build\n", []),
    ("alias used before it is defined", "FROM build\nFROM golang:1 AS build\n", [1]),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3006(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)


@pytest.mark.parametrize(
    ("reference", "parts"),
    [
        ("debian", (None, "debian", None, None)),
        ("library/debian:12", (None, "library/debian", "12", None)),
        ("ghcr.io/o/app:1@sha256:ab", ("ghcr.io", "o/app", "1", "sha256:ab")),
        ("localhost:5000/app", ("localhost:5000", "app", None, None)),
        ("localhost/app:2", ("localhost", "app", "2", None)),
    ],
)
def test_image_parts(reference: str, parts: tuple[str | None, ...]) -> None:
    assert image_parts(reference) == parts
