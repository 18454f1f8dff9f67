from __future__ import annotations

import docker
import pytest

from dockyard.engine import Engine, list_containers
from dockyard.errors import EngineUnavailable
from tests.conftest import TestEnv


def test_engine_negotiates_its_api_version(docker_client: object) -> None:
    with Engine() as engine:
        facts = engine.facts
    assert facts.product == "docker"
    assert facts.api_tuple >= (1, 41)


def test_docker_host_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(EngineUnavailable, match=r"unix:///nonexistent/docker.sock"):
        Engine().ping()


def test_podman_socket_is_an_engine_too(
    test_env: TestEnv,
    docker_client: docker.DockerClient,
    monkeypatch: pytest.MonkeyPatch,
    unique: str,
) -> None:
    """Podman's Docker-compatible API, reached through DOCKER_HOST: same code, other engine."""
    podman = docker.DockerClient(base_url=test_env.podman_host, version="auto")
    image = f"localhost/dockyard-podman-{unique}:1"
    saved = b"".join(docker_client.images.get(test_env.busybox).save())
    (loaded,) = podman.images.load(saved)
    loaded.tag(f"localhost/dockyard-podman-{unique}", tag="1")
    monkeypatch.setenv("DOCKER_HOST", test_env.podman_host)
    # Created, not started: this sandbox refuses the rlimits podman's runtime sets at start.
    container = podman.containers.create(image, ["sleep", "30"], name=f"dy-{unique}")
    try:
        with Engine() as engine:
            assert engine.facts.product == "podman"
            names = [info.name for info in list_containers(engine, all_states=True)]
        assert f"dy-{unique}" in names
    finally:
        container.remove(force=True)
        podman.images.remove(image, force=True)
        podman.close()
