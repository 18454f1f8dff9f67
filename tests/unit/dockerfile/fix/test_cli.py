"""``dockyard lint --fix`` and ``--diff`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dockyard.cli import cli

ORIGINAL = (
    "FROM debian:12\n# keep me\nMAINTAINER me\nRUN apt-get update\nRUN apt-get install -y jq\n"
)


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(ORIGINAL)
    result = CliRunner().invoke(cli, ["lint", "--diff", str(path)])
    assert result.exit_code == 1
    assert f"--- {path}\n+++ {path} (fixed)\n" in result.stdout
    assert "-MAINTAINER me\n" in result.stdout
    assert '+LABEL maintainer="me"\n' in result.stdout
    assert path.read_text() == ORIGINAL
    assert f"{path}:3 fixed DL4000: MAINTAINER as LABEL maintainer" in result.stderr


def test_diff_of_a_clean_file_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM scratch\nUSER 65534:65534\nCMD ["/app"]\n')
    result = CliRunner().invoke(cli, ["lint", "--diff", str(path)])
    assert (result.exit_code, result.stdout) == (0, "")


def test_fix_rewrites_in_place_then_lints_the_result(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(ORIGINAL)
    result = CliRunner().invoke(cli, ["lint", "--fix", "--no-shellcheck", str(path)])
    fixed = path.read_text()
    assert fixed.startswith('FROM debian:12\n# keep me\nLABEL maintainer="me"\n')
    assert "--no-install-recommends jq" in fixed
    assert "USER 10001" in fixed
    assert "DL4000" not in result.stdout
    assert "DL3015" not in result.stdout
    assert "DL3008" in result.stdout  # unpinned versions: reported, never guessed
    assert result.exit_code == 1


def test_fix_respects_ignored_rules(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(ORIGINAL)
    CliRunner().invoke(cli, ["lint", "--fix", "--ignore", "DL4000", str(path)])
    assert "MAINTAINER me\n" in path.read_text()


def test_fix_as_a_filter_on_standard_input() -> None:
    result = CliRunner().invoke(cli, ["lint", "--fix", "-"], input=ORIGINAL)
    assert result.exit_code == 0
    assert result.stdout.startswith('FROM debian:12\n# keep me\nLABEL maintainer="me"\n')
    assert "DL3008" not in result.stdout
