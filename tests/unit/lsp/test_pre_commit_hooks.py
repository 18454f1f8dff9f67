"""``.pre-commit-hooks.yaml``: pre-commit accepts it, and its hook does what a user expects:
fails on a Dockerfile with findings (showing them), passes on a clean one.

The ``try-repo`` tests run pre-commit for real: it builds its own virtualenv and pip-installs a
copy of this checkout into it (dependencies from the configured index or wheel directory), once
for the module. The fast test runs the hook's ``entry`` and ``args`` on a list of files the way
pre-commit calls them.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent
BAD = "FROM debian:latest\nRUN apt-get install curl\n"
GOOD = 'FROM debian:12.8-slim\nUSER 10001\nCMD ["true"]\n'


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load(MANIFEST.read_text())
    return next(h for h in hooks if h["id"] == "dockyard-lint")


def run(command: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=540
    )


def git(*args: str, cwd: Path) -> None:
    identity = ["-c", "user.name=dockyard tests", "-c", "user.email=tests@dockyard.invalid"]
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def environ(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """No user settings of hadolint's or git's; pre-commit's store in a fresh directory."""
    home = tmp_path_factory.mktemp("home")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HADOLINT_", "GIT_"))}
    return environ | {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PRE_COMMIT_HOME": str(home / "pre-commit"),
        "PATH": f"{BIN}{os.pathsep}{environ.get('PATH', '')}",
    }


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding this checkout as it is now (what pre-commit would install)."""
    repo = tmp_path_factory.mktemp("dockyard-hooks")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(
        ROOT / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "dockyard as it is", cwd=repo)
    return repo


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A user's repository with ``files`` staged, as they would be before ``git commit``."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    git("init", "-q", cwd=tmp_path)
    git("add", *files, cwd=tmp_path)
    return tmp_path


def test_the_manifest_is_valid_for_pre_commit(environ: dict[str, str]) -> None:
    result = run(
        [str(BIN / "pre-commit"), "validate-manifest", str(MANIFEST)], cwd=ROOT, env=environ
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert hook()["types"] == ["dockerfile"]
    assert hook()["language"] == "python"


def test_the_hook_command_checks_every_file_pre_commit_passes(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    files = {"Dockerfile": GOOD, "api/Dockerfile": BAD, "web/Dockerfile": GOOD}
    command = [*shlex.split(hook()["entry"]), *hook().get("args", [])]

    failing = run([*command, *files], cwd=project(tmp_path, files), env=environ)
    passing = run([*command, "Dockerfile", "web/Dockerfile"], cwd=tmp_path, env=environ)

    assert failing.returncode == 1
    assert "api/Dockerfile:1 DL3007" in failing.stdout
    assert "web/Dockerfile" not in failing.stdout
    assert (passing.returncode, passing.stdout) == (0, "")


def test_pre_commit_fails_on_findings_and_shows_them(
    tmp_path: Path, hook_repo: Path, environ: dict[str, str]
) -> None:
    repo = project(tmp_path, {"Dockerfile": BAD, "README.md": "not a Dockerfile\n"})

    result = run(
        [str(BIN / "pre-commit"), "try-repo", str(hook_repo), "dockyard-lint", "--all-files"],
        cwd=repo,
        env=environ,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Lint Dockerfiles (dockyard)" in result.stdout
    assert "Failed" in result.stdout
    assert "Dockerfile:1 DL3007 warning" in result.stdout
    assert "Dockerfile:2 DL3015 info" in result.stdout


def test_pre_commit_passes_a_clean_dockerfile(
    tmp_path: Path, hook_repo: Path, environ: dict[str, str]
) -> None:
    repo = project(tmp_path, {"Dockerfile": GOOD})

    result = run(
        [str(BIN / "pre-commit"), "try-repo", str(hook_repo), "dockyard-lint", "--all-files"],
        cwd=repo,
        env=environ,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lint Dockerfiles (dockyard)" in result.stdout
    assert "Passed" in result.stdout
