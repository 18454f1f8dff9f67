"""check_access and put_manifest: protocol logic over an in-memory registry (MockTransport).

The same behaviour is proven against real registries in tests/integration/registry and
tests/integration/build (a pull-only token user stopped before the build, re-tag by PUT).
"""

from __future__ import annotations

import base64
import json
import logging

import pytest

from dockyard.errors import AuthenticationError, DigestMismatch
from dockyard.registry import CredentialStore, RegistryClient, parse_reference
from dockyard.registry._claims import granted_actions
from tests.unit.registry.fake_registry import OCI_MANIFEST, FakeRegistry, digest_of

HOST = "reg.example"
SECRET = "s3cret-pass-42"


def _client(fake: FakeRegistry, *, user: str | None = "alice") -> RegistryClient:
    environ = {"REPO_USER": user, "REPO_PASS": SECRET} if user else {}
    return RegistryClient(credentials=CredentialStore(environ=environ), transport=fake.transport())


def _jwt(claims: dict[str, object]) -> str:
    parts = [{"alg": "none"}, claims, "sig"]
    return ".".join(
        base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=") for p in parts
    )


# -- the access claim ------------------------------------------------------------------------


def test_granted_actions_reads_the_repository_entry_only() -> None:
    token = _jwt(
        {
            "access": [
                {"type": "repository", "name": "team/app", "actions": ["pull"]},
                {"type": "repository", "name": "team/other", "actions": ["pull", "push"]},
            ]
        }
    )
    assert granted_actions(token, repository="team/app") == {"pull"}
    assert granted_actions(token, repository="team/none") == frozenset()


def test_an_empty_access_claim_grants_nothing_and_an_opaque_token_says_nothing() -> None:
    assert granted_actions(_jwt({"access": []}), repository="a") == frozenset()
    assert granted_actions("tok-1", repository="a") is None
    assert granted_actions("a.!!!.c", repository="a") is None
    assert granted_actions(_jwt({"sub": "x"}), repository="a") is None  # no access claim


def test_a_wildcard_action_grants_push() -> None:
    token = _jwt({"access": [{"type": "repository", "name": "a", "actions": ["*"]}]})
    assert {"pull", "push"} <= (granted_actions(token, repository="a") or set())


# -- check_access on a token registry ---------------------------------------------------------


def test_a_token_with_push_in_access_passes_and_asks_for_pull_and_push() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET}, jwt_tokens=True)
    with _client(fake) as rc:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert fake.token_hits == [
        {"service": ["fake-registry"], "scope": ["repository:team/app:pull,push"]}
    ]


def test_a_reduced_token_without_push_is_refused_before_anything_else() -> None:
    fake = FakeRegistry(
        auth="bearer", users={"alice": SECRET}, jwt_tokens=True, read_only={"alice"}
    )
    with _client(fake) as rc, pytest.raises(AuthenticationError) as caught:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    message = str(caught.value)
    assert message.startswith(
        f"registry {HOST} does not grant user 'alice' push access to repository team/app"
    )
    assert SECRET not in message
    assert caught.value.exit_code == 6
    assert [r.method for r in fake.requests if r.url.host == HOST] == ["GET"]  # only /v2/


def test_pull_only_is_enough_when_only_pull_is_asked() -> None:
    fake = FakeRegistry(
        auth="bearer", users={"alice": SECRET}, jwt_tokens=True, read_only={"alice"}
    )
    with _client(fake) as rc:
        rc.check_access(parse_reference(f"{HOST}/team/app"), actions=("pull",))


def test_anonymous_gets_a_token_without_push_and_is_told_to_log_in() -> None:
    fake = FakeRegistry(auth="bearer", jwt_tokens=True)
    with _client(fake, user=None) as rc, pytest.raises(AuthenticationError) as caught:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert str(caught.value).startswith(f"registry {HOST} requires credentials")


def test_an_opaque_token_is_assumed_to_grant_and_says_so_in_the_debug_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET}, read_only={"alice"})
    with caplog.at_level(logging.DEBUG, "dockyard.registry"), _client(fake) as rc:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert any("opaque token" in record.getMessage() for record in caplog.records)


def test_wrong_credentials_on_the_token_server_are_refused_without_the_secret() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": "other"}, jwt_tokens=True)
    with _client(fake) as rc, pytest.raises(AuthenticationError) as caught:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert "refused the credentials of user 'alice'" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_the_push_token_serves_the_pulls_that_follow() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET}, jwt_tokens=True)
    fake.put_image("team/app", "1")
    with _client(fake) as rc:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
        rc.head_manifest(parse_reference(f"{HOST}/team/app:1"))
    assert len(fake.token_hits) == 1


# -- check_access on basic and open registries ------------------------------------------------


def test_basic_auth_credentials_accepted_on_v2_pass() -> None:
    fake = FakeRegistry(auth="basic", users={"alice": SECRET})
    with _client(fake) as rc:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert fake.requests[-1].headers["authorization"].startswith("Basic ")


def test_basic_auth_refused_credentials_are_exit_6() -> None:
    fake = FakeRegistry(auth="basic", users={"alice": "other"})
    with _client(fake) as rc, pytest.raises(AuthenticationError) as caught:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert f"registry {HOST} refused the credentials of user 'alice'" in str(caught.value)


def test_basic_auth_without_credentials_says_none_were_found() -> None:
    fake = FakeRegistry(auth="basic")
    with _client(fake, user=None) as rc, pytest.raises(AuthenticationError) as caught:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert "none were found" in str(caught.value)


def test_an_open_registry_needs_only_the_ping() -> None:
    fake = FakeRegistry()
    with _client(fake, user=None) as rc:
        rc.check_access(parse_reference(f"{HOST}/team/app"))
    assert [str(r.url) for r in fake.requests] == [f"https://{HOST}/v2/"]


# -- put_manifest ------------------------------------------------------------------------------


def test_put_manifest_stores_the_exact_bytes_under_a_new_tag() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET}, jwt_tokens=True)
    image = fake.put_image("team/app", "1")
    media_type, raw = fake.manifests[("team/app", "1")]
    with _client(fake) as rc:
        digest = rc.put_manifest(
            parse_reference(f"{HOST}/team/app:v2"), raw=raw, media_type=media_type
        )
        served = rc.head_manifest(parse_reference(f"{HOST}/team/app:v2")).digest
    assert digest == served == image["manifest"]
    put = next(r for r in fake.requests if r.method == "PUT")
    assert put.content == raw
    assert put.headers["content-type"] == OCI_MANIFEST
    assert {
        "service": ["fake-registry"],
        "scope": ["repository:team/app:pull,push"],
    } in fake.token_hits


def test_put_manifest_refused_for_a_read_only_user() -> None:
    fake = FakeRegistry(
        auth="bearer", users={"alice": SECRET}, jwt_tokens=True, read_only={"alice"}
    )
    fake.put_image("team/app", "1")
    _, raw = fake.manifests[("team/app", "1")]
    with _client(fake) as rc, pytest.raises(AuthenticationError):
        rc.put_manifest(parse_reference(f"{HOST}/team/app:v2"), raw=raw, media_type=OCI_MANIFEST)
    assert ("team/app", "v2") not in fake.manifests


def test_put_manifest_without_the_digest_header_checks_by_head() -> None:
    fake = FakeRegistry(put_digest_header=False)
    fake.put_image("app", "1")
    _, raw = fake.manifests[("app", "1")]
    with _client(fake, user=None) as rc:
        digest = rc.put_manifest(parse_reference(f"{HOST}/app:2"), raw=raw, media_type=OCI_MANIFEST)
    assert digest == digest_of(raw)
    assert [r.method for r in fake.requests][-2:] == ["PUT", "HEAD"]


def test_put_manifest_reports_a_registry_that_stored_something_else() -> None:
    fake = FakeRegistry()
    fake.put_image("app", "1")
    _, raw = fake.manifests[("app", "1")]
    original = fake._store_manifest

    def rewriting(request, repo, ref):  # type: ignore[no-untyped-def]
        response = original(request, repo, ref)
        response.headers["Docker-Content-Digest"] = digest_of(b"something else")
        return response

    fake._store_manifest = rewriting  # type: ignore[method-assign]
    with _client(fake, user=None) as rc, pytest.raises(DigestMismatch) as caught:
        rc.put_manifest(parse_reference(f"{HOST}/app:2"), raw=raw, media_type=OCI_MANIFEST)
    assert caught.value.exit_code == 7
