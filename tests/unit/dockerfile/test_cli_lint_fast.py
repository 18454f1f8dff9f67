"""A plain ``dockyard lint`` is read without click: both readers of its options must agree, and
whatever the fast one does not read is left to click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from dockyard.cli._app import Application
from dockyard.cli._lint_run import LintOptions, parse_fast
from dockyard.cli.lint import command

READ_BY_BOTH = [
    [],
    ["Dockerfile"],
    ["-", "--no-fail"],
    ["-f", "json", "a", "b"],
    ["-fjson", "a"],
    ["--format=sarif", "a"],
    ["a", "--no-fail", "b"],
    ["-t", "WARNING", "a"],
    ["--failure-threshold=Error", "a"],
    ["--ignore", "DL3008", "--ignore=dl3009", "a"],
    ["--trusted-registry", "registry.example", "--trusted-registry", "other.example"],
    ["-c", "missing.yaml", "a"],
    ["--config=cfg/hadolint.yaml", "a"],
    ["--no-shellcheck", "--no-color", "x"],
    ["--", "-a-file-named-like-an-option"],
]

LEFT_TO_CLICK = [
    ["--help"],
    ["-h"],
    ["--fix", "a"],
    ["--diff", "a"],
    ["--pin", "--fix", "a"],
    ["-f", "yaml", "a"],
    ["-f"],
    ["--format"],
    ["--bogus", "a"],
    ["-x", "a"],
    ["--no-fail=1", "a"],
    ["-t", "fatal", "a"],
    ["-f=json", "a"],
]


def _click_reads(args: list[str]) -> LintOptions:
    ctx = command.make_context("lint", list(args), obj=Application(configure_logging=False))
    params = dict(ctx.params)
    return LintOptions(files=tuple(params.pop("files")), **params)


@pytest.mark.parametrize("args", READ_BY_BOTH, ids=" ".join)
def test_the_fast_reader_reads_what_click_reads(args: list[str]) -> None:
    assert parse_fast(args) == _click_reads(args)


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=" ".join)
def test_what_the_fast_reader_does_not_read_is_left_to_click(args: list[str]) -> None:
    assert parse_fast(args) is None


def test_a_directory_given_as_config_is_left_to_click_which_refuses_it(tmp_path: Path) -> None:
    args = ["-c", str(tmp_path), "a"]
    assert parse_fast(args) is None
    with pytest.raises(click.BadParameter, match="is a directory"):
        _click_reads(args)


def test_a_plain_lint_imports_no_click(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian\n")
    script = (
        "import sys; sys.argv = ['dockyard', 'lint', '--no-shellcheck', sys.argv[1]]; "
        "from dockyard._start import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script, str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert f"{dockerfile}:1 DL3006 warning" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "dockyard.dockerfile" in imported
    assert not {name for name in imported if name.split(".")[0] == "click"}
