"""DL3028: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3028 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN gem install bundler", ("FROM ruby:3.3\nRUN gem install bundler\n"), [2]),
    (
        "catches not: RUN gem install bundler:2.5.0",
        ("FROM ruby:3.3\nRUN gem install bundler:2.5.0\n"),
        [],
    ),
    (
        "catches not: RUN gem install bundler -v 2.5.0",
        ("FROM ruby:3.3\nRUN gem install bundler -v 2.5.0\n"),
        [],
    ),
    (
        "catches not: RUN gem install bundler --version=2.5.0",
        ("FROM ruby:3.3\nRUN gem install bundler --version=2.5.0\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3028(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
