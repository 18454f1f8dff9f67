"""``dockyard lint --fix --pin`` against the real registry: ``:latest`` becomes the digest the
registry serves for it, and an image the registry does not have is reported, not guessed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from click.testing import CliRunner

from dockyard.cli import cli
from tests.conftest import TestEnv


@pytest.fixture
def pushed_latest(
    test_env: TestEnv, docker_client: docker.DockerClient, unique: str
) -> Iterator[tuple[str, str]]:
    repository = f"{test_env.registry}/dockyard-pin-{unique}"
    image = docker_client.images.get(test_env.busybox)
    image.tag(repository, "latest")
    docker_client.images.push(repository, tag="latest")
    pushed = docker_client.images.get(f"{repository}:latest")
    digest = next(d for d in pushed.attrs["RepoDigests"] if d.startswith(repository))
    yield f"{repository}:latest", digest.split("@", 1)[1]
    docker_client.images.remove(f"{repository}:latest")


def test_pin_latest_to_the_registry_digest(
    tmp_path: Path, pushed_latest: tuple[str, str], test_env: TestEnv
) -> None:
    image, digest = pushed_latest
    missing = f"{test_env.registry}/dockyard-pin-missing-{tmp_path.name}:latest"
    path = tmp_path / "Dockerfile"
    path.write_text(f'FROM {image}\nCMD ["true"]\n\nFROM {missing}\nCMD ["true"]\n')
    result = CliRunner().invoke(cli, ["lint", "--fix", "--pin", "--no-shellcheck", str(path)])
    lines = path.read_text().splitlines()
    assert lines[0] == f"FROM {image}@{digest}"
    assert lines[3] == f"FROM {missing}"
    assert f"{path}:4 not fixed DL3007: cannot resolve {missing} to a digest" in result.stderr
