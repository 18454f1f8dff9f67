"""`dockyard build --push` against the real engine and the real registries (open and htpasswd)."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path

import docker
import httpx
import pytest

from tests.conftest import TestEnv
from tests.integration.build.conftest import registry_digest, remove_local, run_dockyard
from tests.unit.build.gitrepo import git


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_push_serves_sha_and_latest_and_the_image_runs(
    app_repo: Path, repository: str, test_env: TestEnv, docker_client: docker.DockerClient
) -> None:
    revision = git(app_repo, "rev-parse", "HEAD")
    run = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--push", "--json")
    assert run.code == 0, run.stderr
    result = run.json
    assert set(result) == {
        "image", "tags", "digest", "revision", "size_bytes", "duration_s", "skipped"
    }  # fmt: skip
    assert result["revision"] == revision
    name = repository.split("/", 1)[1]
    for tag in (f"sha-{revision[:7]}", "latest", "main"):
        assert registry_digest(test_env.registry, name, tag) == result["digest"]

    remove_local(docker_client, repository)  # what runs next comes from the registry
    output = docker_client.containers.run(f"{repository}:sha-{revision[:7]}", remove=True,
                                          network_mode="none")  # fmt: skip
    assert output.decode() == "cached\nfrom the context\nhello\n"


def test_the_same_commit_is_not_pushed_again_and_force_rebuilds(
    app_repo: Path, repository: str, test_env: TestEnv
) -> None:
    first = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--push", "--json")
    assert first.code == 0, first.stderr

    again = run_dockyard(
        "build", app_repo.as_uri(), "--image", repository, "--push", "--tag", "extra", "--json"
    )
    assert again.code == 0, again.stderr
    assert again.json["skipped"] is True
    assert again.json["digest"] == first.json["digest"]
    assert f"already built and pushed: {repository}:sha-" in again.stderr
    assert "=> [" not in again.stderr  # nothing was built
    name = repository.split("/", 1)[1]
    assert registry_digest(test_env.registry, name, "extra") == first.json["digest"]

    forced = run_dockyard(
        "build", app_repo.as_uri(), "--image", repository, "--push", "--force", "--json"
    )
    assert forced.code == 0, forced.stderr
    assert forced.json["skipped"] is False
    assert "=> [" in forced.stderr
    assert registry_digest(test_env.registry, name, "latest") == forced.json["digest"]


def test_authenticated_registry_with_the_right_credentials(
    app_repo: Path, test_env: TestEnv, unique: str, docker_client: docker.DockerClient
) -> None:
    repository = f"{test_env.auth_registry}/dockyard-build-auth-{unique}"
    env = {"DOCKER_USERNAME": test_env.auth_user, "DOCKER_PASSWORD": test_env.auth_password}
    try:
        run = run_dockyard(
            "build", app_repo.as_uri(), "--image", repository, "--push", "--json", env=env
        )
        assert run.code == 0, run.stderr
        auth = (test_env.auth_user, test_env.auth_password)
        name = repository.split("/", 1)[1]
        assert (
            registry_digest(test_env.auth_registry, name, "latest", auth=auth)
            == (run.json["digest"])
        )
        assert test_env.auth_password not in run.stdout + run.stderr
    finally:
        remove_local(docker_client, repository)


@pytest.mark.parametrize("password", ["wrong-password-123", ""])
def test_refused_credentials_exit_6_before_building_and_nothing_is_pushed(
    app_repo: Path,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
    password: str,
) -> None:
    repository = f"{test_env.auth_registry}/dockyard-build-denied-{unique}"
    env = {"DOCKER_USERNAME": test_env.auth_user, "DOCKER_PASSWORD": password}
    run = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--push", env=env)
    assert run.code == 6, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("dockyard: error:")]
    assert len(errors) == 1
    assert "credentials" in errors[0]
    if password:
        assert password not in run.stdout + run.stderr
    assert "=> [" not in run.stderr
    assert docker_client.images.list(name=repository) == []
    response = httpx.get(
        f"http://{test_env.auth_registry}/v2/{repository.split('/', 1)[1]}/tags/list",
        auth=(test_env.auth_user, test_env.auth_password),
        timeout=10,
    )
    assert response.status_code == 404  # the repository does not exist: nothing landed


def test_unreachable_registry_exits_5_before_any_build(
    app_repo: Path, docker_client: docker.DockerClient, unique: str
) -> None:
    repository = f"127.0.0.1:{_closed_port()}/dockyard-build-{unique}"
    run = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--push")
    assert run.code == 5, run.stderr
    assert "unreachable" in run.stderr.splitlines()[-1]
    assert "fetching" not in run.stderr  # stopped before cloning
    assert docker_client.images.list(name=repository) == []


def test_credentials_from_a_docker_config_file(
    app_repo: Path,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
    tmp_path: Path,
) -> None:
    config_dir = tmp_path / "docker-config"
    config_dir.mkdir()
    token = base64.b64encode(f"{test_env.auth_user}:{test_env.auth_password}".encode()).decode()
    (config_dir / "config.json").write_text(
        json.dumps({"auths": {test_env.auth_registry: {"auth": token}}})
    )
    repository = f"{test_env.auth_registry}/dockyard-build-config-{unique}"
    try:
        run = run_dockyard(
            "build", app_repo.as_uri(), "--image", repository, "--push", "--json",
            env={"DOCKER_CONFIG": str(config_dir)},
        )  # fmt: skip
        assert run.code == 0, run.stderr
        name = repository.split("/", 1)[1]
        auth = (test_env.auth_user, test_env.auth_password)
        digest = registry_digest(test_env.auth_registry, name, "latest", auth=auth)
        assert digest == run.json["digest"]
        assert test_env.auth_password not in run.stdout + run.stderr
    finally:
        remove_local(docker_client, repository)
