"""The bearer-token flow against a real distribution registry configured for token auth."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from dockyard.errors import AuthenticationError
from dockyard.registry import CredentialStore, Platform, RegistryClient, parse_reference
from tests.integration.registry.conftest import SERVICE, TokenRegistry
from tests.integration.registry.oci import Pushed


@pytest.fixture
def token_image(token_registry: TokenRegistry, unique: str) -> tuple[str, Pushed]:
    repo = f"team/app-{unique}"
    writer = token_registry.writer(repo)
    pushed = writer.image(repo, "v1", arch="amd64")
    writer.close()
    token_registry.tokens.hits.clear()
    return f"{token_registry.host}/{repo}:v1", pushed


def _client(environ: dict[str, str]) -> RegistryClient:
    return RegistryClient(credentials=CredentialStore.from_environment(environ=environ))


def _login(registry: TokenRegistry, tmp_path: Path, user: str = "alice") -> dict[str, str]:
    password = registry.tokens.users[user]
    return {"HOME": str(tmp_path), "REPO_USER": user, "REPO_PASS": password}


def test_the_registry_really_wants_a_token(token_image: tuple[str, Pushed]) -> None:
    name, _ = token_image
    host, _, rest = name.partition("/")
    repo, _, tag = rest.partition(":")
    answer = httpx.get(f"http://{host}/v2/{repo}/manifests/{tag}")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer realm=")


def test_anonymous_pull_is_denied(
    token_registry: TokenRegistry, token_image: tuple[str, Pushed], tmp_path: Path
) -> None:
    name, _ = token_image
    with _client({"HOME": str(tmp_path)}) as rc, pytest.raises(AuthenticationError) as caught:
        rc.head_manifest(parse_reference(name))
    assert str(caught.value).startswith(f"registry {token_registry.host} requires credentials")
    assert "(or the repository does not exist)" in str(caught.value)
    # The client did go to the token server, anonymously, and got a token without access.
    assert token_registry.tokens.hits
    assert all(hit["user"] is None for hit in token_registry.tokens.hits)


def test_token_with_scope_is_granted_and_cached(
    token_registry: TokenRegistry, token_image: tuple[str, Pushed], tmp_path: Path
) -> None:
    name, pushed = token_image
    ref = parse_reference(name)
    with _client(_login(token_registry, tmp_path)) as rc:
        info = rc.head_manifest(ref)
        manifest = rc.get_manifest(ref, platform=Platform.parse("linux/amd64"))
        rc.get_blob_bytes(ref, pushed.config)
        with rc.open_blob(ref, pushed.layer) as chunks:
            layer_size = sum(len(chunk) for chunk in chunks)
        rc.head_manifest(ref)
    assert info.digest == manifest.digest == pushed.digest
    assert layer_size == manifest.layers[0].size
    hits = token_registry.tokens.hits
    assert len(hits) == 1, hits
    assert hits[0]["user"] == "alice"
    assert hits[0]["service"] == [SERVICE]
    assert hits[0]["scope"] == [f"repository:{ref.repository}:pull"]


def test_wrong_credentials_are_refused(
    token_registry: TokenRegistry, token_image: tuple[str, Pushed], tmp_path: Path
) -> None:
    name, _ = token_image
    env = {**_login(token_registry, tmp_path), "REPO_PASS": "wrong-password-123"}
    with _client(env) as rc, pytest.raises(AuthenticationError) as caught:
        rc.head_manifest(parse_reference(name))
    message = str(caught.value)
    assert message.startswith(
        f"registry {token_registry.host} refused the credentials of user 'alice'"
    )
    assert "wrong-password-123" not in message
    assert [hit["granted"] for hit in token_registry.tokens.hits] == [False]


def test_valid_login_without_access_is_denied(
    token_registry: TokenRegistry, token_image: tuple[str, Pushed], tmp_path: Path
) -> None:
    name, _ = token_image
    ref = parse_reference(name)
    with (
        _client(_login(token_registry, tmp_path, "bob")) as rc,
        pytest.raises(AuthenticationError) as caught,
    ):
        rc.get_manifest(ref)
    scope = f"repository:{ref.repository}:pull"
    assert str(caught.value).startswith(
        f"registry {token_registry.host} denied user 'bob' access to {scope}"
    )
    assert all(hit["granted"] and hit["user"] == "bob" for hit in token_registry.tokens.hits)


def test_check_access_reads_push_from_the_real_token(
    token_registry: TokenRegistry, token_image: tuple[str, Pushed], tmp_path: Path
) -> None:
    name, _ = token_image
    ref = parse_reference(name)
    with _client(_login(token_registry, tmp_path)) as rc:
        rc.check_access(ref)
        rc.head_manifest(ref)  # the pull,push token serves the pull too
    scopes = [hit["scope"] for hit in token_registry.tokens.hits]
    assert scopes == [[f"repository:{ref.repository}:pull,push"]]


def test_check_access_refuses_a_pull_only_token_the_registry_would_refuse_too(
    token_registry: TokenRegistry, token_image: tuple[str, Pushed], tmp_path: Path
) -> None:
    name, pushed = token_image
    ref = parse_reference(name)
    env = _login(token_registry, tmp_path, "carol")
    with _client(env) as rc:
        rc.check_access(ref, actions=("pull",))  # reading is granted
        with pytest.raises(AuthenticationError) as caught:
            rc.check_access(ref)
        message = str(caught.value)
        assert message.startswith(
            f"registry {token_registry.host} does not grant user 'carol' push access to "
            f"repository {ref.repository}"
        )
        assert env["REPO_PASS"] not in message
        # The registry itself agrees: storing a manifest with that login is refused.
        manifest = rc.get_index(ref)
        with pytest.raises(AuthenticationError):
            rc.put_manifest(
                ref.with_tag("v2"),
                raw=manifest.raw,
                media_type=manifest.media_type,
            )
    assert manifest.digest == pushed.digest


def test_put_manifest_re_tags_on_the_real_registry(
    token_registry: TokenRegistry, token_image: tuple[str, Pushed], tmp_path: Path
) -> None:
    name, pushed = token_image
    ref = parse_reference(name)
    target = parse_reference(f"{ref.name}:v1-again")
    with _client(_login(token_registry, tmp_path)) as rc:
        manifest = rc.get_index(ref)
        digest = rc.put_manifest(target, raw=manifest.raw, media_type=manifest.media_type)
        assert rc.head_manifest(target).digest == digest == pushed.digest
