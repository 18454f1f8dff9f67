"""Shared fixtures. Integration tests use the real engine and registries that scripts/provision
started; when they are missing the run fails, it never skips."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import httpx
import pytest

ENV_FILE = Path(os.environ.get("DOCKYARD_TEST_ENV", "/tmp/dockyard-test.env"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)


@dataclass(frozen=True)
class TestEnv:
    __test__ = False  # a fixture's value, not a test class

    registry: str
    auth_registry: str
    auth_user: str
    auth_password: str
    busybox: str
    debian: str
    python: str
    podman_host: str
    engine28_host: str  # empty when scripts/provision ran without --engine28


@pytest.fixture(scope="session")
def test_env() -> TestEnv:
    if not ENV_FILE.is_file():
        pytest.fail(f"{ENV_FILE} is missing: run scripts/provision (scripts/test does) first")
    values = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    env = TestEnv(
        registry=values["DOCKYARD_TEST_REGISTRY"],
        auth_registry=values["DOCKYARD_TEST_AUTH_REGISTRY"],
        auth_user=values["DOCKYARD_TEST_AUTH_USER"],
        auth_password=Path(values["DOCKYARD_TEST_AUTH_PASS_FILE"]).read_text().strip(),
        busybox=values["DOCKYARD_TEST_BUSYBOX"],
        debian=values["DOCKYARD_TEST_DEBIAN"],
        python=values["DOCKYARD_TEST_PYTHON"],
        podman_host=values["DOCKYARD_TEST_PODMAN_HOST"],
        engine28_host=values.get("DOCKYARD_TEST_ENGINE28_HOST", ""),
    )
    for host in (env.registry, env.auth_registry):
        try:
            httpx.get(f"http://{host}/v2/", timeout=5)
        except httpx.HTTPError as exc:
            pytest.fail(f"registry {host} is not answering ({exc}): run scripts/provision")
    return env


@pytest.fixture(scope="session")
def docker_client(test_env: TestEnv) -> Iterator[docker.DockerClient]:
    try:
        client = docker.from_env(version="auto")
        client.ping()
    except docker.errors.DockerException as exc:
        pytest.fail(f"no Docker engine answers ({exc}): run scripts/provision")
    yield client
    client.close()


@pytest.fixture
def unique() -> str:
    """A short random suffix so tests never collide on names, tags or repositories."""
    return uuid.uuid4().hex[:10]
