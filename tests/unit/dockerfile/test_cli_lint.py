"""``dockyard lint`` as a user runs it: files, stdin, formats, options and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(args: list[str], *, cwd: Path, stdin: str = "") -> tuple[int, str, str]:
    """Run ``dockyard lint`` as a process, as a user or a CI job would."""
    for name, text in FILES.items():
        (cwd / name).parent.mkdir(parents=True, exist_ok=True)
        (cwd / name).write_text(text)
    environ = {**os.environ, "HOME": str(cwd), "XDG_CONFIG_HOME": str(cwd / ".config")}
    completed = subprocess.run(
        [sys.executable, "-m", "dockyard", "lint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )
    return completed.returncode, completed.stdout, completed.stderr


FILES = {
    "Dockerfile": "FROM debian\nMAINTAINER me\n",
    "ok/Dockerfile": "FROM debian:12-slim\nUSER 10001\n",
    "broken/Dockerfile": "FROM a:1\nRUN <<EOF\nnever ends\n",
}


def test_many_files_in_one_call(tmp_path: Path) -> None:
    code, out, _ = run(["--no-shellcheck", "Dockerfile", "ok/Dockerfile"], cwd=tmp_path)
    assert code == 1
    assert "Dockerfile:1 DL3006 warning: Always tag the version of an image explicitly\n" in out
    assert "Dockerfile:2 DL4000 error: MAINTAINER is deprecated\n" in out
    assert "ok/Dockerfile:" not in out


def test_default_file_and_clean_file_exit_zero(tmp_path: Path) -> None:
    code, out, _ = run(["ok/Dockerfile"], cwd=tmp_path)
    assert (code, out) == (0, "")


def test_stdin_and_json(tmp_path: Path) -> None:
    code, out, _ = run(["-f", "json", "--no-shellcheck", "-"], cwd=tmp_path, stdin="FROM a\n")
    assert code == 1
    assert out.startswith('[{"code":"DL3006","column":1,"file":"-","level":"warning","line":1,')


def test_threshold_ignore_and_no_fail(tmp_path: Path) -> None:
    args = ["--no-shellcheck", "Dockerfile"]
    assert run(["-t", "error", "--ignore", "DL4000", *args], cwd=tmp_path)[0] == 0
    assert run(["-t", "error", *args], cwd=tmp_path)[0] == 1
    assert run(["--no-fail", *args], cwd=tmp_path)[0] == 0


def test_parse_error_is_reported_as_dl1000(tmp_path: Path) -> None:
    code, out, _ = run(["--no-shellcheck", "broken/Dockerfile"], cwd=tmp_path)
    assert code == 1
    assert out == "broken/Dockerfile:2 DL1000 error: unterminated heredoc EOF\n"


def test_missing_file_is_one_line_and_exit_9(tmp_path: Path) -> None:
    code, out, err = run(["nope/Dockerfile"], cwd=tmp_path)
    assert (code, out) == (9, "")
    assert err == "dockyard: error: no such Dockerfile: nope/Dockerfile\n"


@pytest.mark.parametrize("option", [["-f", "xml"], ["-t", "loud"]])
def test_bad_option_values_are_usage_errors(tmp_path: Path, option: list[str]) -> None:
    assert run([*option, "Dockerfile"], cwd=tmp_path)[0] == 2


def test_config_file_option(tmp_path: Path) -> None:
    config = tmp_path / "lint.yaml"
    config.write_text("ignored: [DL3006, DL4000, DY001, DY007, MaintainerDeprecated]\n")
    code, out, _ = run(["-c", str(config), "--no-shellcheck", "Dockerfile"], cwd=tmp_path)
    assert (code, out) == (0, "")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ENV PATH", "ENV must have two arguments"),
        ('CMD ["a", 1]', "when using JSON array syntax, arrays must be comprised of strings only"),
    ],
)
def test_buildkit_argument_errors_are_dl1000(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Dockerfile").write_text(f"FROM a:1\n{line}\n")
    code, out, _ = run(["--no-shellcheck", "bad/Dockerfile"], cwd=tmp_path)
    assert (code, out) == (1, f"bad/Dockerfile:2 DL1000 error: {message}\n")
