"""The client against the htpasswd registry (:5001): basic auth with the provisioned user."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dockyard.errors import AuthenticationError
from dockyard.registry import CredentialStore, Platform, RegistryClient, parse_reference
from tests.integration.registry.oci import Pushed, RegistryWriter

if TYPE_CHECKING:
    from tests.conftest import TestEnv


@pytest.fixture
def private_image(
    auth_writer: RegistryWriter, test_env: TestEnv, unique: str
) -> Iterator[tuple[str, Pushed]]:
    repo = f"dockyard-registry-private-{unique}"
    pushed = auth_writer.image(repo, "v1", arch="amd64")
    yield f"{test_env.auth_registry}/{repo}:v1", pushed
    auth_writer.delete(repo, pushed.digest)


def _client(environ: dict[str, str]) -> RegistryClient:
    return RegistryClient(credentials=CredentialStore.from_environment(environ=environ))


def test_right_credentials_from_the_environment(
    private_image: tuple[str, Pushed], test_env: TestEnv, tmp_path: Path
) -> None:
    name, pushed = private_image
    env = {
        "HOME": str(tmp_path),
        "REPO_USER": test_env.auth_user,
        "REPO_PASS": test_env.auth_password,
    }
    with _client(env) as rc:
        info = rc.head_manifest(parse_reference(name))
        manifest = rc.get_manifest(parse_reference(name), platform=Platform.parse("linux/amd64"))
        config = rc.get_blob_bytes(parse_reference(name), pushed.config)
    assert info.digest == manifest.digest == pushed.digest
    assert json.loads(config)["architecture"] == "amd64"


def test_right_credentials_from_docker_config(
    private_image: tuple[str, Pushed], test_env: TestEnv, tmp_path: Path
) -> None:
    name, pushed = private_image
    auth = base64.b64encode(f"{test_env.auth_user}:{test_env.auth_password}".encode()).decode()
    (tmp_path / "config.json").write_text(
        json.dumps({"auths": {f"http://{test_env.auth_registry}": {"auth": auth}}})
    )
    with _client({"DOCKER_CONFIG": str(tmp_path)}) as rc:
        assert rc.head_manifest(parse_reference(name)).digest == pushed.digest


def test_wrong_credentials_are_refused_without_showing_them(
    private_image: tuple[str, Pushed], test_env: TestEnv, tmp_path: Path
) -> None:
    name, _ = private_image
    wrong = "not-the-password-" + test_env.auth_password[:4]
    env = {"HOME": str(tmp_path), "REPO_USER": test_env.auth_user, "REPO_PASS": wrong}
    with _client(env) as rc, pytest.raises(AuthenticationError) as caught:
        rc.head_manifest(parse_reference(name))
    message = str(caught.value)
    assert message.startswith(
        f"registry {test_env.auth_registry} refused the credentials of user '{test_env.auth_user}'"
    )
    assert wrong not in message
    assert test_env.auth_password not in message
    assert caught.value.exit_code == 6


def test_no_credentials_says_they_are_missing(
    private_image: tuple[str, Pushed], test_env: TestEnv, tmp_path: Path
) -> None:
    name, _ = private_image
    with _client({"HOME": str(tmp_path)}) as rc, pytest.raises(AuthenticationError) as caught:
        rc.get_manifest(parse_reference(name))
    assert str(caught.value).startswith(f"registry {test_env.auth_registry} requires credentials")
    assert "none were found" in str(caught.value)
