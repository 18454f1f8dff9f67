"""DY006 (static binary on a full OS base): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy006 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "CGO_ENABLED=0 build copied onto debian",
        "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
        "FROM debian:12\nCOPY --from=build /app /app\n",
        [3],
    ),
    (
        "ENV CGO_ENABLED=0 in the build stage, alpine final",
        "FROM golang:1.22 AS build\nENV CGO_ENABLED=0\nRUN go build -o /app .\n"
        "FROM alpine:3.20\nCOPY --from=build /app /app\n",
        [4],
    ),
    (
        "single stage golang with -static",
        "FROM golang:1.22\nRUN go build -ldflags '-extldflags \"-static\"' -o /app .\n",
        [1],
    ),
    (
        "rust musl target on ubuntu",
        "FROM rust:1 AS b\nRUN cargo build --release --target x86_64-unknown-linux-musl\n"
        "FROM ubuntu:24.04\nCOPY --from=b /t /t\n",
        [3],
    ),
    (
        "already scratch",
        "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
        "FROM scratch\nCOPY --from=build /app /app\n",
        [],
    ),
    (
        "distroless",
        "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n",
        [],
    ),
    (
        "dynamic build",
        "FROM golang:1.22 AS build\nRUN go build -o /app .\n"
        "FROM debian:12\nCOPY --from=build /app /app\n",
        [],
    ),
    (
        "static build not copied into the final stage",
        "FROM golang:1.22 AS tool\nRUN CGO_ENABLED=0 go build -o /t .\nFROM debian:12\nRUN true\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
