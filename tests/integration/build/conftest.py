"""Fixtures for `dockyard build`: sample git repositories, a dockyard runner, cleanup by repository.

Every image a test makes lives in a repository named with the test's unique suffix; teardown
removes every local tag of it (registry content under that unique name is left to the registry's
own storage, which the tests never share).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import httpx
import pytest

from tests.conftest import TestEnv

# The token-auth registry and its token server, for push-access tests of the build: imported
# here so pytest offers them to this directory's tests.
from tests.integration.registry.conftest import token_registry as token_registry
from tests.integration.registry.conftest import token_server as token_server
from tests.unit.build.gitrepo import make_repo

DOCKYARD = str(Path(sys.executable).with_name("dockyard"))
MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.stdout)
        return result


def run_dockyard(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> Run:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_USER", "DOCKER_PASS"))}
    base.update(env or {})
    base["CI"] = "true"
    result = subprocess.run(
        [DOCKYARD, *args], capture_output=True, text=True, env=base, timeout=timeout, check=False
    )
    return Run(result.returncode, result.stdout, result.stderr)


def registry_digest(registry: str, repository: str, tag: str, *, auth: Any = None) -> str | None:
    response = httpx.head(
        f"http://{registry}/v2/{repository}/manifests/{tag}",
        headers={"Accept": MANIFEST_TYPES},
        timeout=10,
        auth=auth,
    )
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return response.headers["Docker-Content-Digest"]


@pytest.fixture
def repository(test_env: TestEnv, docker_client: docker.DockerClient, unique: str) -> Iterator[str]:
    """``127.0.0.1:5000/dockyard-build-<unique>``; its local tags are removed afterwards."""
    name = f"{test_env.registry}/dockyard-build-{unique}"
    yield name
    remove_local(docker_client, name)


def remove_local(client: docker.DockerClient, repository: str) -> None:
    for image in client.images.list(name=repository):
        for tag in image.tags:
            if tag.rsplit(":", 1)[0] == repository:
                with contextlib.suppress(docker.errors.APIError):
                    client.images.remove(tag, force=True)


@pytest.fixture
def app_repo(tmp_path: Path, test_env: TestEnv) -> Path:
    """A small app on busybox: RUN --mount (cache and bind) and a file from the context."""
    path = tmp_path / "app"
    make_repo(
        path,
        {
            "Dockerfile": (
                f"FROM {test_env.busybox}\n"
                "ARG GREETING=hello\n"
                "RUN --mount=type=cache,target=/cache echo cached > /cache/c && cp /cache/c /c\n"
                "RUN --mount=type=bind,source=message.txt,target=/m cp /m /message\n"
                'RUN echo "$GREETING" > /greeting\n'
                'CMD ["sh", "-c", "cat /c /message /greeting"]\n'
            ),
            "message.txt": "from the context\n",
        },
    )
    return path
