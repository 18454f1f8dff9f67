"""A registry with basic auth: checked and pulled with REPO_USER/REPO_PASS, as watchtower."""

from __future__ import annotations

from pathlib import Path

from tests import conftest
from tests.integration.update.conftest import Images, Lab


def test_private_registry_with_repo_user_and_pass(
    lab: Lab, test_env: conftest.TestEnv, tmp_path: Path
) -> None:
    private = Images(
        client=lab.client,
        repository=f"{test_env.auth_registry}/dockyard-watch-{lab.unique}",
        base=test_env.busybox,
        workdir=tmp_path / "private",
        auth={"username": test_env.auth_user, "password": test_env.auth_password},
    )
    lab.images.append(private)
    v1 = private.publish("v1")
    container = lab.run(private.ref(), "private", init=True)
    v2 = private.publish("v2")
    empty_config = tmp_path / "docker-config"
    empty_config.mkdir()

    refused = lab.watch(env={"DOCKER_CONFIG": str(empty_config)})
    entry = refused.status(container.name)
    assert entry["status"] == "failed"
    assert entry["reason"].startswith("check failed")
    assert lab.client.containers.get(container.id).image.id == v1

    creds = {
        "DOCKER_CONFIG": str(empty_config),
        "REPO_USER": test_env.auth_user,
        "REPO_PASS": test_env.auth_password,
    }
    result = lab.watch(env=creds)
    assert result.code == 0, result.stderr
    assert result.status(container.name)["status"] == "updated"
    assert lab.client.containers.get(container.name).image.id == v2
    assert test_env.auth_password not in result.stdout + result.stderr
