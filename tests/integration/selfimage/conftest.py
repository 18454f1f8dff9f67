"""dockyard's own image, built once per session by dockyard itself from this checkout."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors
import pytest

from tests.conftest import TestEnv

ROOT = Path(__file__).resolve().parents[3]
DOCKYARD = str(Path(sys.executable).with_name("dockyard"))


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return result.stdout.strip()


def commit_all(repo: Path) -> str:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    return git(repo, "rev-parse", "HEAD")


@dataclass(frozen=True)
class SelfImage:
    repository: str  # 127.0.0.1:5000/dockyard-self-<suffix>, built locally, not pushed
    tags: list[str]  # what `dockyard build --json` reported


def _self_context(root: Path) -> Path:
    context = root / "dockyard-src"
    context.mkdir()
    for name in ("pyproject.toml", "README.md", "Dockerfile", ".dockerignore"):
        shutil.copy2(ROOT / name, context / name)
    shutil.copytree(ROOT / "src", context / "src", ignore=shutil.ignore_patterns("__pycache__"))
    wheelhouse = subprocess.run(
        [str(ROOT / "scripts" / "wheelhouse")], check=True, capture_output=True, text=True
    ).stdout.strip()
    shutil.copytree(wheelhouse, context / "wheelhouse")
    commit_all(context)
    return context


@pytest.fixture(scope="session")
def self_image(
    test_env: TestEnv,
    docker_client: docker.DockerClient,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SelfImage]:
    """dockyard's image, as its README says to build it: by `dockyard build` of its own source."""
    repository = f"{test_env.registry}/dockyard-self-{uuid.uuid4().hex[:10]}"
    context = _self_context(tmp_path_factory.mktemp("self"))
    built = subprocess.run(
        [
            DOCKYARD, "build", str(context), "--image", repository,
            "--build-arg", f"BASE_IMAGE={test_env.python}",
            "--build-arg", "PIP_NO_INDEX=1",
            "--build-arg", "PIP_FIND_LINKS=/src/wheelhouse",
            "--network", "host", "--json",
        ],
        check=False, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    tags = list(json.loads(built.stdout)["tags"])
    try:
        yield SelfImage(repository=repository, tags=tags)
    finally:
        for tag in tags:
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(f"{repository}:{tag}", force=True)
