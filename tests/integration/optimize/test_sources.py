"""Where optimize reads from and what it runs: heredoc Dockerfiles on Engine 20.10, a git URL,
and ``--smoke CMD`` instead of the image's own command."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from dockyard.cli import cli
from dockyard.engine import Engine
from dockyard.optimize import optimize_dir

HEREDOCS = """\
FROM local/busybox:1
RUN <<EOF
echo one > /one
EOF
RUN cat /one
COPY <<EOF /etc/motd
hello from a heredoc
EOF
CMD cat /one /etc/motd
"""


def test_heredoc_dockerfile_builds_and_passes(
    engine: Engine, make_case: Callable[..., Path]
) -> None:
    case = make_case(files={"Dockerfile": HEREDOCS})
    report = optimize_dir(engine, context_dir=case, name=case.name)
    assert report.before.smoke is not None
    assert report.before.smoke.output == "one\nhello from a heredoc\n"
    assert report.after.smoke is not None
    assert report.after.smoke.passed
    assert "RUN <<EOF\necho one > /one\nEOF\n" in report.after.dockerfile


def test_smoke_command_replaces_the_images_own(
    engine: Engine, make_case: Callable[..., Path]
) -> None:
    case = make_case(files={"Dockerfile": HEREDOCS})
    report = optimize_dir(engine, context_dir=case, name=case.name, smoke="id -u")
    assert report.before.smoke is not None
    assert report.before.smoke.output == "0\n"
    assert report.after.smoke is not None
    assert not report.after.smoke.passed  # the fixed image runs as uid 10001
    assert report.after.smoke.output == "10001\n"


def test_git_url_source(make_case: Callable[..., Path]) -> None:
    dockerfile = 'FROM local/busybox:1\nRUN echo hi > /hi\nRUN cat /hi\nCMD ["cat", "/hi"]\n'
    case = make_case(files={"Dockerfile": dockerfile})
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "Dockerfile"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"],
    ):
        subprocess.run(command, cwd=case, check=True)
    result = CliRunner().invoke(
        cli, ["optimize", case.resolve().as_uri(), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert '"passed": true' in result.stdout


def test_base_map_proposal_is_measured_and_never_applied(
    engine: Engine, make_case: Callable[..., Path]
) -> None:
    dockerfile = 'FROM local/python:3.11-slim\nCMD ["python3", "-c", "print(6 * 7)"]\n'
    case = make_case(files={"Dockerfile": dockerfile})
    report = optimize_dir(
        engine,
        context_dir=case,
        name=case.name,
        aggressive=True,
        base_map={"local/python:3.11-slim": "local/busybox:1"},
        write=True,
    )
    [proposal] = report.proposals
    assert proposal.description == "FROM local/busybox:1 instead of local/python:3.11-slim"
    assert "USER 10001:10001" in proposal.dockerfile  # the fixes for busybox, not Debian's
    assert proposal.measurement is not None
    assert proposal.measurement.size_bytes < 3_000_000
    assert proposal.smoke is not None
    assert not proposal.smoke.passed  # busybox has no python3: measured, shown, not applied
    written = (case / "Dockerfile").read_text()
    assert report.written == str(case / "Dockerfile")
    assert written.startswith("FROM local/python:3.11-slim\n")
    assert "USER 10001" in written
