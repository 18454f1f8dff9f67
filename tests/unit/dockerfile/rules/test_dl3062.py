"""DL3062: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3062 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN go install github.com/x/y",
        ("FROM golang:1.22\nRUN go install github.com/x/y\n"),
        [2],
    ),
    (
        "catches: RUN go install github.com/x/y@latest",
        ("FROM golang:1.22\nRUN go install github.com/x/y@latest\n"),
        [2],
    ),
    (
        "catches not: RUN go install github.com/x/y@v1.2.3",
        ("FROM golang:1.22\nRUN go install github.com/x/y@v1.2.3\n"),
        [],
    ),
    ("catches not: RUN go install ./cmd/app", ("FROM golang:1.22\nRUN go install ./cmd/app\n"), []),
    ("catches not: RUN go build ./...", ("FROM golang:1.22\nRUN go build ./...\n"), []),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3062(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
