"""DL3043: ``ONBUILD ONBUILD|FROM|MAINTAINER``. hadolint reports DL3043; docker (BuildKit) refuses
the file, and so does dockyard's parser, with the file and line. The rule itself is checked on a
model whose trigger is one of those instructions, as another reader could produce it."""

from __future__ import annotations

import pytest

from dockyard.dockerfile import Instruction, parse
from dockyard.dockerfile.rules import LintContext
from dockyard.dockerfile.rules.dl3043 import rule
from dockyard.errors import DockerfileError
from tests.unit.dockerfile.rules._helpers import assert_catches


@pytest.mark.parametrize("trigger", ["ONBUILD RUN ls", "FROM debian:12", "MAINTAINER me"])
def test_parser_refuses_forbidden_trigger(trigger: str) -> None:
    with pytest.raises(DockerfileError, match="Dockerfile:2"):
        parse(f"FROM debian:12\nONBUILD {trigger}\n")


@pytest.mark.parametrize("keyword", ["ONBUILD", "FROM", "MAINTAINER"])
def test_catches_forbidden_trigger(keyword: str) -> None:
    df = parse("FROM debian:12\nONBUILD RUN ls\n")
    onbuild = df.instructions[1]
    assert onbuild.onbuild is not None
    onbuild.onbuild = Instruction(keyword=keyword, start_line=2, end_line=2, raw="", arguments="x")
    assert [f.line for f in rule.check(df, LintContext())] == [2]


@pytest.mark.parametrize(
    "text",
    ["FROM debian:12\nONBUILD RUN ls\n", "FROM debian:12\nONBUILD COPY . /app\n", "FROM a:1\n"],
)
def test_catches_not(text: str) -> None:
    assert_catches(rule, text, [])
