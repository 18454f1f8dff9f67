"""DL3008: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3008 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN apt-get install -y python3",
        ("FROM debian:12\nRUN apt-get install -y python3\n"),
        [2],
    ),
    (
        "catches: RUN apt-get update && apt-get install -y --no-install-recomm",
        (
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y --no-install-recomm"
            "ends curl=7.88 git\n"
        ),
        [2],
    ),
    (
        "catches: ONBUILD RUN apt-get install -y vim",
        ("FROM debian:12\nONBUILD RUN apt-get install -y vim\n"),
        [2],
    ),
    (
        "catches not: RUN apt-get install -y python3=3.11.2-1",
        ("FROM debian:12\nRUN apt-get install -y python3=3.11.2-1\n"),
        [],
    ),
    (
        "catches not: RUN apt-get install -y ./local.deb",
        ("FROM debian:12\nRUN apt-get install -y ./local.deb\n"),
        [],
    ),
    (
        "catches not: RUN apt-get install -y -t bookworm-backports python3=3.11.2-",
        ("FROM debian:12\nRUN apt-get install -y -t bookworm-backports python3=3.11.2-1\n"),
        [],
    ),
    ("catches not: RUN apt-get update", ("FROM debian:12\nRUN apt-get update\n"), []),
    (
        'catches not: RUN ["/bin/sh", "-c", "apt-get install -y curl"]',
        ('FROM debian:12\nRUN ["/bin/sh", "-c", "apt-get install -y curl"]\n'),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3008(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
