"""DL3030: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3030 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN yum install httpd-2.4.6", ("FROM centos:7\nRUN yum install httpd-2.4.6\n"), [2]),
    (
        "catches not: RUN yum install -y httpd-2.4.6 && yum clean all",
        ("FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3030(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
