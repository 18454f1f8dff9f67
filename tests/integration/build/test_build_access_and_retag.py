"""Push access proven before anything is built (a read-only token registry login), and tags
pointed at an already pushed image by the registry alone, with no engine at all."""

from __future__ import annotations

from pathlib import Path

import docker
import httpx

from tests.conftest import TestEnv
from tests.integration.build.conftest import (
    MANIFEST_TYPES,
    registry_digest,
    remove_local,
    run_dockyard,
)
from tests.integration.registry.conftest import TokenRegistry
from tests.unit.build.gitrepo import git


def _token_env(registry: TokenRegistry, user: str, tmp_path: Path) -> dict[str, str]:
    return {
        "DOCKER_USERNAME": user,
        "DOCKER_PASSWORD": registry.tokens.users[user],
        "DOCKER_CONFIG": str(tmp_path / "no-docker-config"),
    }


def _token_digest(registry: TokenRegistry, repo: str, tag: str) -> str | None:
    """What the registry serves, asked with a token minted for reading (the admin's view)."""
    token = registry.tokens.issue(user="alice", scopes=[f"repository:{repo}:pull"])
    response = httpx.head(
        f"http://{registry.host}/v2/{repo}/manifests/{tag}",
        headers={"Accept": MANIFEST_TYPES, "Authorization": f"Bearer {token}"},
        timeout=10,
    )
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return response.headers["Docker-Content-Digest"]


def test_a_pull_only_token_exits_6_before_anything_is_built_and_nothing_lands(
    app_repo: Path,
    token_registry: TokenRegistry,
    unique: str,
    docker_client: docker.DockerClient,
    tmp_path: Path,
) -> None:
    repo = f"team/readonly-{unique}"
    repository = f"{token_registry.host}/{repo}"
    env = _token_env(token_registry, "carol", tmp_path)
    try:
        run = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--push", env=env)
        assert run.code == 6, run.stderr
        errors = [line for line in run.stderr.splitlines() if line.startswith("dockyard: error:")]
        assert errors == [
            f"dockyard: error: registry {token_registry.host} does not grant user 'carol' push "
            f"access to repository {repo} (credentials from $DOCKER_USERNAME/$DOCKER_PASSWORD): "
            "use credentials with write access (a read-only access token cannot push)"
        ]
        assert env["DOCKER_PASSWORD"] not in run.stdout + run.stderr
        assert "fetching" not in run.stderr  # stopped before cloning
        assert "=> [" not in run.stderr
        assert docker_client.images.list(name=repository) == []
        assert _token_digest(token_registry, repo, "latest") is None
        asked = [hit.get("scope") for hit in token_registry.tokens.hits]
        assert [f"repository:{repo}:pull,push"] in asked
    finally:
        remove_local(docker_client, repository)


def test_a_token_login_with_push_builds_and_pushes(
    app_repo: Path,
    token_registry: TokenRegistry,
    unique: str,
    docker_client: docker.DockerClient,
    tmp_path: Path,
) -> None:
    repo = f"team/app-{unique}"
    repository = f"{token_registry.host}/{repo}"
    env = _token_env(token_registry, "alice", tmp_path)
    try:
        run = run_dockyard(
            "build", app_repo.as_uri(), "--image", repository, "--push", "--json", env=env
        )
        assert run.code == 0, run.stderr
        assert _token_digest(token_registry, repo, "latest") == run.json["digest"]
        assert env["DOCKER_PASSWORD"] not in run.stdout + run.stderr
    finally:
        remove_local(docker_client, repository)


def test_a_new_tag_on_an_unchanged_commit_needs_no_engine(
    app_repo: Path, repository: str, test_env: TestEnv, docker_client: docker.DockerClient
) -> None:
    first = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--push", "--json")
    assert first.code == 0, first.stderr
    revision = git(app_repo, "rev-parse", "HEAD")

    nowhere = {"DOCKER_HOST": "unix:///nonexistent/dockyard-test/docker.sock"}
    again = run_dockyard(
        "build", app_repo.as_uri(), "--image", repository, "--push", "--json",
        "--tag", "release-candidate", "--tag", "stable", env=nowhere,
    )  # fmt: skip
    assert again.code == 0, again.stderr
    assert again.json["skipped"] is True
    assert again.json["digest"] == first.json["digest"]
    assert "pointing release-candidate, stable at" in again.stderr
    name = repository.split("/", 1)[1]
    for tag in ("release-candidate", "stable", "latest", f"sha-{revision[:7]}"):
        assert registry_digest(test_env.registry, name, tag) == first.json["digest"]
    local_tags = {tag for image in docker_client.images.list(name=repository) for tag in image.tags}
    assert f"{repository}:release-candidate" not in local_tags  # the engine was not involved

    # Nothing missing any more: the same call again writes nothing and still needs no engine.
    third = run_dockyard(
        "build", app_repo.as_uri(), "--image", repository, "--push", "--json",
        "--tag", "stable", env=nowhere,
    )  # fmt: skip
    assert third.code == 0, third.stderr
    assert "pointing" not in third.stderr
