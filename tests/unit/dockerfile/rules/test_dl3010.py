"""DL3010: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3010 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN tar -xzf /tmp/app.tar.gz",
        ("FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n"),
        [2],
    ),
    (
        "catches: RUN gunzip /opt/build.zip.gz",
        ("FROM debian:12\nCOPY build.zip.gz /opt/\nRUN gunzip /opt/build.zip.gz\n"),
        [2],
    ),
    (
        "catches: Windows paths, the archive extracted where it was copied",
        (
            'FROM debian:12\nCOPY build\\foo\\bar.tar.gz "C:\\Program Files\\Foo"\n'
            'RUN tar -xf "C:\\Program Files\\Foo\\bar.tar.gz"\n'
        ),
        [2],
    ),
    (
        "catches: Windows paths, the archive renamed by its target",
        (
            'FROM debian:12\nCOPY build\\foo\\bar.tar.gz "C:\\Program Files\\foo.tar.gz"\n'
            "RUN tar -xf foo.tar.gz\n"
        ),
        [2],
    ),
    (
        "catches not: Windows source path read with escapes removed",
        (
            'FROM debian:12\nCOPY build\\foo\\bar.tar.gz "C:\\Program Files\\Foo"\n'
            "RUN tar -xf buildfoobar.tar.gz\n"
        ),
        [],
    ),
    ("catches not: ADD app.tar.gz /opt/", ("FROM debian:12\nADD app.tar.gz /opt/\n"), []),
    ("catches not: COPY app.tar.gz /tmp/", ("FROM debian:12\nCOPY app.tar.gz /tmp/\n"), []),
    (
        "catches not: RUN tar -czf other.tar.gz /tmp/x",
        ("FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -czf other.tar.gz /tmp/x\n"),
        [],
    ),
    (
        "catches not: RUN tar -xzf /tmp/app.tar.gz",
        ("FROM debian:12\nCOPY app.tar.gz /tmp/\nFROM debian:12\nRUN tar -xzf /tmp/app.tar.gz\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3010(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
