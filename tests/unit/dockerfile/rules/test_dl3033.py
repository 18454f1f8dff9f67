"""DL3033: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3033 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "catches: RUN yum install -y httpd && yum clean all",
        ("FROM centos:7\nRUN yum install -y httpd && yum clean all\n"),
        [2],
    ),
    (
        "catches not: RUN yum install -y httpd-2.4.6 && yum clean all",
        ("FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"),
        [],
    ),
    (
        "catches not: RUN yum install -y httpd-${V} && yum clean all",
        ("FROM centos:7\nARG V=2.4.6\nRUN yum install -y httpd-${V} && yum clean all\n"),
        [],
    ),
    (
        "catches not: RUN yum install -y httpd-${V} && yum clean all (2)",
        ("FROM centos:7\nENV V=2.4.6\nRUN yum install -y httpd-${V} && yum clean all\n"),
        [],
    ),
    (
        "catches not: RUN yum install -y httpd-${V} && yum clean all (3)",
        (
            "FROM centos:7 AS base\n"
            "ENV V=2.4.6\n"
            "FROM base\n"
            "RUN yum install -y httpd-${V} && yum clean all\n"
        ),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3033(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
