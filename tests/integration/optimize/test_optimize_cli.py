"""``dockyard optimize`` as a user runs it: output, --json, and --write only after a passed smoke
check. Built on the local busybox base, so these need no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dockyard.cli import cli

ROOT_ONLY = """\
FROM local/busybox:1
RUN echo hello > /greeting
RUN cat /greeting
CMD ["id", "-u"]
"""

WORKS_AS_USER = """\
FROM local/busybox:1
MAINTAINER Ops <ops@example.com>
RUN echo hello > /greeting
RUN cat /greeting
CMD cat /greeting
"""


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["optimize", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_write_keeps_the_file_when_the_smoke_check_fails(make_case: Callable[..., Path]) -> None:
    case = make_case(files={"Dockerfile": ROOT_ONLY})
    code, output = invoke(str(case), "--write")
    assert code == 1
    assert "FAILED (prints something else than the original)" in output
    assert (case / "Dockerfile").read_text() == ROOT_ONLY
    assert "wrote" not in output


def test_write_after_a_passed_smoke_check(make_case: Callable[..., Path]) -> None:
    case = make_case(files={"Dockerfile": WORKS_AS_USER})
    code, output = invoke(str(case), "--write")
    assert code == 0, output
    written = (case / "Dockerfile").read_text()
    assert written != WORKS_AS_USER
    assert 'LABEL maintainer="Ops <ops@example.com>"' in written
    assert "USER 10001" in written
    assert f"wrote {case / 'Dockerfile'}" in output


def test_json_report(make_case: Callable[..., Path]) -> None:
    case = make_case(files={"Dockerfile": WORKS_AS_USER})
    code, output = invoke(str(case), "--json")
    assert code == 0
    report = json.loads(output)
    assert report["before"]["image_id"].startswith("sha256:")
    assert report["after"]["size_bytes"] > 0
    assert report["smoke"] == {
        "passed": True,
        "output": "hello\n",
        "reason": "",
        "before_output": "hello\n",
    }
    assert "DL4000" in {fix["code"] for fix in report["fixes"]}
    assert report["dockerfile"].startswith("FROM local/busybox:1\n")
    assert report["written"] is None


def test_text_table_and_markdown(make_case: Callable[..., Path]) -> None:
    case = make_case(files={"Dockerfile": WORKS_AS_USER})
    code, output = invoke(str(case))
    assert code == 0
    assert output.splitlines()[0].split() == ["before", "after"]
    assert "added on top of the base" in output
    assert "line 2: DL4000 MAINTAINER as LABEL maintainer" in output
    code, markdown = invoke(str(case), "--markdown")
    assert "| total size |" in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-map", "nonsense"], "--base-map 'nonsense': write it as FROM=TO"),
        (["--file", "Missing.Dockerfile"], "no Dockerfile here"),
    ],
)
def test_bad_input_is_one_line(
    make_case: Callable[..., Path], args: list[str], message: str
) -> None:
    from dockyard.errors import DockyardError

    case = make_case(files={"Dockerfile": WORKS_AS_USER})
    with pytest.raises(DockyardError, match=message):
        CliRunner().invoke(cli, ["optimize", str(case), *args], catch_exceptions=False)
