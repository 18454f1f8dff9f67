"""The course's exercise, end to end: dockyard's own image, built by dockyard, runs `dockyard
build` inside a container with the host's Docker socket mounted and pushes to the registry."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import docker
import httpx

from tests.conftest import EngineUnderTest, TestEnv
from tests.integration.selfimage.conftest import SelfImage, commit_all

# Where the README mounts the engine's socket inside dockyard's container, whatever its path on
# the host (engine 28's is not the default one).
SOCKET_IN_CONTAINER = "/var/run/docker.sock"
MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


def _registry_digest(registry: str, repository: str, tag: str) -> str:
    response = httpx.head(
        f"http://{registry}/v2/{repository}/manifests/{tag}",
        headers={"Accept": MANIFEST_TYPES},
        timeout=10,
    )
    response.raise_for_status()
    return response.headers["Docker-Content-Digest"]


def _run_in_dockyard(
    client: docker.DockerClient,
    engine: EngineUnderTest,
    image: str,
    repo: Path,
    command: list[str],
    **options: Any,
) -> Any:
    """dockyard's image as the README runs it: the host's socket and its group, host network,
    the repository to build mounted read-only at /repo."""
    return client.containers.run(
        image,
        command=command,
        volumes={
            engine.socket_path: {"bind": SOCKET_IN_CONTAINER, "mode": "rw"},
            str(repo): {"bind": "/repo", "mode": "ro"},
        },
        group_add=[str(os.stat(engine.socket_path).st_gid)],
        network_mode="host",
        **options,
    )


def _readable_by_dockyard(repo: Path) -> None:
    """The container's user owns nothing on the host; let it read the repository."""
    for path in [repo, *repo.rglob("*")]:
        os.chown(path, 10001, 10001)


def _sample_app(tmp_path: Path, base: str) -> tuple[Path, str]:
    app = tmp_path / "app"
    app.mkdir()
    (app / "Dockerfile").write_text(
        f'FROM {base}\nCOPY message.txt /message.txt\nUSER 1000:1000\nCMD ["cat", "/message.txt"]\n'
    )
    (app / "message.txt").write_text("built by dockyard inside a container\n")
    revision = commit_all(app)
    _readable_by_dockyard(app)
    return app, revision


def test_dockyard_builds_and_pushes_from_inside_its_own_container(
    test_env: TestEnv,
    docker_client: docker.DockerClient,
    engine: EngineUnderTest,
    self_image: SelfImage,
    unique: str,
    tmp_path: Path,
) -> None:
    inner_repository = f"inner-{unique}"
    created: list[str] = []
    assert "latest" in self_image.tags
    try:
        app, revision = _sample_app(tmp_path, test_env.busybox)

        output = _run_in_dockyard(
            docker_client,
            engine,
            f"{self_image.repository}:latest",
            app,
            [
                "build", "file:///repo", "--image", f"{test_env.registry}/{inner_repository}",
                "--push", "--json",
            ],
            remove=True,
            stdout=True,
            stderr=False,
        )  # fmt: skip
        result = json.loads(output)
        created += [f"{test_env.registry}/{inner_repository}:{tag}" for tag in result["tags"]]

        assert result["revision"] == revision
        assert f"sha-{revision[:7]}" in result["tags"]
        assert "latest" in result["tags"]
        for tag in (f"sha-{revision[:7]}", "latest"):
            assert _registry_digest(test_env.registry, inner_repository, tag) == result["digest"]
        ran = docker_client.containers.run(
            f"{test_env.registry}/{inner_repository}:latest", remove=True, network_mode="none"
        )
        assert ran.decode() == "built by dockyard inside a container\n"
    finally:
        for ref in created:
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(ref, force=True)


def test_docker_stop_interrupts_dockyard_at_once(
    test_env: TestEnv,
    docker_client: docker.DockerClient,
    engine: EngineUnderTest,
    self_image: SelfImage,
    unique: str,
    tmp_path: Path,
) -> None:
    """dockyard is its container's init: `docker stop` must end it with its interrupt exit
    code, not be ignored until the engine's SIGKILL (exit 137)."""
    app = tmp_path / "slow"
    app.mkdir()
    (app / "Dockerfile").write_text(f"FROM {test_env.busybox}\nRUN sleep 600\n")
    commit_all(app)
    _readable_by_dockyard(app)
    container = _run_in_dockyard(
        docker_client,
        engine,
        f"{self_image.repository}:latest",
        app,
        ["build", "file:///repo", "--image", f"{test_env.registry}/slow-{unique}"],
        detach=True,
    )
    try:
        deadline = time.monotonic() + 120
        while b"RUN sleep 600" not in container.logs():
            assert time.monotonic() < deadline, container.logs().decode()
            time.sleep(0.2)
        container.stop(timeout=60)
        assert container.wait(timeout=90)["StatusCode"] == 130
        assert container.logs().decode().endswith("dockyard: aborted\n")
    finally:
        container.remove(force=True)
