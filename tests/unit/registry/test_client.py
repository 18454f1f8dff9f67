"""RegistryClient protocol logic against an in-memory registry (``httpx.MockTransport``)."""

from __future__ import annotations

import logging
import ssl

import httpx
import pytest

from dockyard.errors import (
    AuthenticationError,
    DigestMismatch,
    ManifestNotFound,
    RegistryUnavailable,
)
from dockyard.registry import (
    MANIFEST_ACCEPT,
    Credentials,
    CredentialStore,
    Platform,
    RateLimit,
    RegistryClient,
    parse_reference,
)
from dockyard.secrets import Secret
from tests.unit.registry.fake_registry import OCI_INDEX, TOKEN_REALM, FakeRegistry, digest_of

HOST = "reg.example"
SECRET = "s3cret-pass-42"


def _client(fake: FakeRegistry, *, creds: dict[str, str] | None = None) -> RegistryClient:
    store = CredentialStore(environ=creds or {})
    return RegistryClient(credentials=store, transport=fake.transport())


def _with_user() -> dict[str, str]:
    return {"REPO_USER": "alice", "REPO_PASS": SECRET}


# -- manifests -------------------------------------------------------------------------------


def test_head_manifest_sends_all_accept_types_and_reads_digest() -> None:
    fake = FakeRegistry()
    image = fake.put_image("team/app", "1")
    with _client(fake) as rc:
        info = rc.head_manifest(parse_reference(f"{HOST}/team/app:1"))
    assert info.digest == image["manifest"]
    assert info.media_type == "application/vnd.oci.image.manifest.v1+json"
    assert info.size > 0
    assert not info.is_index
    head = fake.requests[-1]
    assert head.method == "HEAD"
    assert str(head.url) == f"https://{HOST}/v2/team/app/manifests/1"
    for media_type in (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ):
        assert media_type in head.headers["accept"]
    assert head.headers["accept"] == MANIFEST_ACCEPT


def test_head_without_digest_header_falls_back_to_get_and_hashes() -> None:
    fake = FakeRegistry(send_digest_header=False)
    image = fake.put_image("app", "1")
    with _client(fake) as rc:
        info = rc.head_manifest(parse_reference(f"{HOST}/app:1"))
    assert info.digest == image["manifest"]
    assert [r.method for r in fake.requests[-2:]] == ["HEAD", "GET"]


def test_get_manifest_verifies_and_models_layers() -> None:
    fake = FakeRegistry()
    image = fake.put_image("app", "1", layer=b"L" * 100)
    with _client(fake) as rc:
        manifest = rc.get_manifest(parse_reference(f"{HOST}/app:1"))
    assert manifest.digest == image["manifest"] == digest_of(manifest.raw)
    assert manifest.config_digest == image["config"]
    assert [(d.digest, d.size) for d in manifest.layers] == [(image["layer"], 100)]
    assert manifest.index_digest is None
    assert not manifest.is_index


def test_manifest_that_does_not_match_its_digest_is_refused() -> None:
    fake = FakeRegistry()
    fake.put_image("app", "1")
    fake.lie_about.add("1")
    with _client(fake) as rc, pytest.raises(DigestMismatch, match="content does not match"):
        rc.get_manifest(parse_reference(f"{HOST}/app:1"))


def test_manifest_pinned_by_digest_is_checked_against_the_pin() -> None:
    fake = FakeRegistry(send_digest_header=False)
    image = fake.put_image("app", "1")
    fake.lie_about.add(image["manifest"])
    ref = parse_reference(f"{HOST}/app@{image['manifest']}")
    with _client(fake) as rc, pytest.raises(DigestMismatch):
        rc.get_manifest(ref)


def _index(fake: FakeRegistry) -> tuple[str, dict[str, str], dict[str, str]]:
    amd = fake.put_image("multi", "amd", layer=b"amd64 layer")
    arm = fake.put_image("multi", "arm", layer=b"arm64 layer")
    entries = [
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": amd["manifest"],
            "size": len(fake.manifests[("multi", amd["manifest"])][1]),
            "platform": {"os": "linux", "architecture": "amd64"},
        },
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": arm["manifest"],
            "size": len(fake.manifests[("multi", arm["manifest"])][1]),
            "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"},
        },
    ]
    index = fake.put_manifest(
        "multi", "1", OCI_INDEX, {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
    )
    return index, amd, arm


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("linux/amd64", "amd"), ("linux/arm64", "arm"), ("linux/arm64/v8", "arm")],
)
def test_index_resolves_to_the_platform(platform: str, expected: str) -> None:
    fake = FakeRegistry()
    index, amd, arm = _index(fake)
    with _client(fake) as rc:
        info = rc.head_manifest(parse_reference(f"{HOST}/multi:1"))
        manifest = rc.get_manifest(
            parse_reference(f"{HOST}/multi:1"), platform=Platform.parse(platform)
        )
        top = rc.get_index(parse_reference(f"{HOST}/multi:1"))
    assert info.digest == index
    assert info.is_index
    chosen = amd if expected == "amd" else arm
    assert manifest.digest == chosen["manifest"]
    assert manifest.index_digest == index
    assert manifest.layers[0].digest == chosen["layer"]
    assert top.is_index
    assert [d.platform for d in top.manifests] == [
        Platform("linux", "amd64"),
        Platform("linux", "arm64", "v8"),
    ]


def test_index_without_the_platform_names_what_it_has() -> None:
    fake = FakeRegistry()
    _index(fake)
    with _client(fake) as rc, pytest.raises(ManifestNotFound) as caught:
        rc.get_manifest(parse_reference(f"{HOST}/multi:1"), platform=Platform.parse("linux/s390x"))
    assert str(caught.value) == (
        f"{HOST}/multi:1 has no image for platform linux/s390x "
        "(it has: linux/amd64, linux/arm64/v8)"
    )


def test_index_entry_whose_content_lies_is_refused() -> None:
    fake = FakeRegistry()
    _, amd, _ = _index(fake)
    fake.lie_about.add(amd["manifest"])
    with _client(fake) as rc, pytest.raises(DigestMismatch):
        rc.get_manifest(parse_reference(f"{HOST}/multi:1"), platform=Platform.parse("linux/amd64"))


# -- blobs -----------------------------------------------------------------------------------


def test_blob_bytes_and_stream_are_verified() -> None:
    fake = FakeRegistry()
    image = fake.put_image("app", "1", layer=b"0123456789" * 1000)
    ref = parse_reference(f"{HOST}/app:1")
    with _client(fake) as rc:
        assert rc.get_blob_bytes(ref, image["config"]) == fake.blobs[image["config"]]
        with rc.open_blob(ref, image["layer"], chunk_size=1000) as chunks:
            assert b"".join(chunks) == b"0123456789" * 1000
    assert fake.requests[-1].headers["accept-encoding"] == "identity"


def test_corrupt_blob_stream_fails_at_the_end() -> None:
    fake = FakeRegistry()
    image = fake.put_image("app", "1", layer=b"z" * 5000)
    fake.lie_about.add(image["layer"])
    received: list[bytes] = []

    def read_all() -> None:
        with (
            _client(fake) as rc,
            rc.open_blob(parse_reference(f"{HOST}/app:1"), image["layer"]) as chunks,
        ):
            received.extend(chunks)

    with pytest.raises(DigestMismatch, match=image["layer"]):
        read_all()
    assert sum(map(len, received)) == 5000


def test_oversized_small_blob_is_refused() -> None:
    fake = FakeRegistry()
    image = fake.put_image("app", "1", layer=b"x" * 2048)
    with _client(fake) as rc, pytest.raises(RegistryUnavailable, match="larger than 1024 bytes"):
        rc.get_blob_bytes(parse_reference(f"{HOST}/app:1"), image["layer"], max_bytes=1024)


# -- authentication --------------------------------------------------------------------------


def test_bearer_flow_with_credentials_and_token_cache() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET})
    fake.put_image("app", "1")
    fake.put_image("other", "1")
    with _client(fake, creds=_with_user()) as rc:
        for _ in range(3):
            rc.head_manifest(parse_reference(f"{HOST}/app:1"))
        assert rc.token_requests == 1
        rc.get_manifest(parse_reference(f"{HOST}/app:1"))
        assert rc.token_requests == 1
        rc.head_manifest(parse_reference(f"{HOST}/other:1"))
        assert rc.token_requests == 2
    assert fake.token_hits[0] == {"service": ["fake-registry"], "scope": ["repository:app:pull"]}
    token_request = next(r for r in fake.requests if r.url.host == "auth.example")
    assert token_request.headers["authorization"].startswith("Basic ")


@pytest.mark.parametrize("field", ["token", "access_token"])
def test_token_or_access_token_field(field: str) -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET}, token_field=field)
    digest = fake.put_image("app", "1")["manifest"]
    with _client(fake, creds=_with_user()) as rc:
        assert rc.head_manifest(parse_reference(f"{HOST}/app:1")).digest == digest


def test_anonymous_token_without_access_is_credentials_missing() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET})
    fake.put_image("app", "1")
    with _client(fake) as rc, pytest.raises(AuthenticationError) as caught:
        rc.head_manifest(parse_reference(f"{HOST}/app:1"))
    assert "registry reg.example requires credentials for repository:app:pull" in str(caught.value)
    assert "none were found (or the repository does not exist)" in str(caught.value)
    anonymous = [r for r in fake.requests if r.url.host == "auth.example"]
    assert anonymous
    assert all("authorization" not in r.headers for r in anonymous)
    assert caught.value.exit_code == 6


def test_refused_credentials_name_registry_and_user_never_the_secret() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": "the-right-one"})
    fake.put_image("app", "1")
    with _client(fake, creds=_with_user()) as rc, pytest.raises(AuthenticationError) as caught:
        rc.head_manifest(parse_reference(f"{HOST}/app:1"))
    message = str(caught.value)
    assert message.startswith("registry reg.example refused the credentials of user 'alice'")
    assert "$REPO_USER/$REPO_PASS" in message
    assert SECRET not in message
    assert SECRET not in repr(caught.value)


def test_basic_auth() -> None:
    fake = FakeRegistry(auth="basic", users={"alice": SECRET})
    digest = fake.put_image("app", "1")["manifest"]
    ref = parse_reference(f"{HOST}/app:1")
    with _client(fake, creds=_with_user()) as rc:
        assert rc.head_manifest(ref).digest == digest
        assert rc.token_requests == 0
    with (
        _client(fake, creds={"REPO_USER": "alice", "REPO_PASS": "wrong"}) as rc,
        pytest.raises(AuthenticationError, match="refused the credentials of user 'alice'"),
    ):
        rc.head_manifest(ref)
    with _client(fake) as rc, pytest.raises(AuthenticationError, match="none were found"):
        rc.head_manifest(ref)


def test_token_cache_expires() -> None:
    now = [1000.0]
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET}, expires_in=None)  # default 60 s
    fake.put_image("app", "1")
    ref = parse_reference(f"{HOST}/app:1")
    store = CredentialStore(environ=_with_user())
    with RegistryClient(credentials=store, transport=fake.transport(), clock=lambda: now[0]) as rc:
        rc.head_manifest(ref)
        now[0] += 30
        rc.head_manifest(ref)
        assert rc.token_requests == 1
        now[0] += 60
        rc.head_manifest(ref)
        assert rc.token_requests == 2


def test_identity_token_uses_the_oauth_refresh_grant() -> None:
    fake = FakeRegistry(auth="bearer")
    digest = fake.put_image("app", "1")["manifest"]
    creds = Credentials(
        username="<token>", password=Secret(""), identity_token=Secret(fake.refresh_token)
    )

    class OneStore(CredentialStore):
        def for_registry(self, registry: str) -> Credentials | None:
            return creds

    with RegistryClient(credentials=OneStore(), transport=fake.transport()) as rc:
        assert rc.head_manifest(parse_reference(f"{HOST}/app:1")).digest == digest
    [grant] = fake.token_hits
    assert grant["grant_type"] == ["refresh_token"]
    assert grant["service"] == ["fake-registry"]
    assert grant["scope"] == ["repository:app:pull"]
    assert grant["client_id"] == ["dockyard"]


def test_credentials_never_go_to_a_plain_http_token_server() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET}, realm="http://auth.example/token")
    digest = fake.put_image("app", "1")["manifest"]
    ref = parse_reference(f"{HOST}/app:1")
    with _client(fake, creds=_with_user()) as rc, pytest.raises(AuthenticationError) as caught:
        rc.head_manifest(ref)
    assert "sends credentials to a token server over plain http (auth.example)" in str(caught.value)
    assert not [r for r in fake.requests if r.url.host == "auth.example"]
    store = CredentialStore(environ=_with_user())
    with RegistryClient(
        credentials=store, transport=fake.transport(), insecure_hosts=["auth.example"]
    ) as rc:
        assert rc.head_manifest(ref).digest == digest


# -- more than manifests ---------------------------------------------------------------------


def test_list_tags_follows_pagination() -> None:
    fake = FakeRegistry()
    names = [f"v{i:04d}" for i in range(2500)]
    for name in names:
        fake.manifests[("app", name)] = ("x", b"{}")
    with _client(fake) as rc:
        assert rc.list_tags(parse_reference(f"{HOST}/app")) == names
    pages = [r for r in fake.requests if r.url.path.endswith("/tags/list")]
    assert len(pages) == 3
    assert pages[1].url.params["last"] == "v0999"


def test_list_tags_of_unknown_repository() -> None:
    with _client(FakeRegistry()) as rc, pytest.raises(ManifestNotFound):
        rc.list_tags(parse_reference(f"{HOST}/nothing"))


def test_image_config_is_verified_json() -> None:
    fake = FakeRegistry()
    image = fake.put_image("app", "1")
    with _client(fake) as rc:
        config = rc.get_image_config(parse_reference(f"{HOST}/app:1"))
    assert config == {"architecture": "amd64", "os": "linux"}
    fake.lie_about.add(image["config"])
    with _client(fake) as rc, pytest.raises(DigestMismatch):
        rc.get_image_config(parse_reference(f"{HOST}/app:1"))


# -- errors and transport --------------------------------------------------------------------


def test_not_found() -> None:
    fake = FakeRegistry()
    with _client(fake) as rc, pytest.raises(ManifestNotFound) as caught:
        rc.get_manifest(parse_reference(f"{HOST}/app:nope"))
    assert str(caught.value) == (
        f"manifest {HOST}/app:nope not found on registry {HOST}: manifest unknown"
    )
    assert caught.value.exit_code == 4


def _answering(response: httpx.Response) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200) if request.url.path == "/v2/" else response

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("response", "error", "message"),
    [
        (
            httpx.Response(
                400,
                json={"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known"}]},
            ),
            ManifestNotFound,
            "not found on registry reg.example: repository name not known",
        ),
        (
            httpx.Response(503, text="down"),
            RegistryUnavailable,
            "registry reg.example answered 503 Service Unavailable to manifest reg.example/app:1",
        ),
        (
            httpx.Response(
                429, headers={"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "0;w=21600"}
            ),
            RegistryUnavailable,
            "rate limit reached (0/100 pulls left per 6h)",
        ),
        (
            httpx.Response(200, content=b"<html>proxy login</html>"),
            RegistryUnavailable,
            "answered garbage for manifest reg.example/app:1",
        ),
        (httpx.Response(200, json=[1, 2]), RegistryUnavailable, "answered garbage"),
        (
            httpx.Response(200, json={"schemaVersion": 2, "layers": [{"digest": "nope"}]}),
            RegistryUnavailable,
            "answered garbage for manifest reg.example/app:1: layers.0.digest: String should match",
        ),
        (
            httpx.Response(200, json={"layers": [{"digest": "sha256:" + "a" * 64, "size": -1}]}),
            RegistryUnavailable,
            "layers.0.size: Input should be greater than or equal to 0",
        ),
        (
            httpx.Response(
                200,
                json={"manifests": [{"digest": "sha256:" + "a" * 64, "platform": {"os": "linux"}}]},
            ),
            RegistryUnavailable,
            "manifests.0.platform.architecture: Field required",
        ),
    ],
)
def test_error_translation(response: httpx.Response, error: type[Exception], message: str) -> None:
    with RegistryClient(transport=_answering(response)) as rc, pytest.raises(error) as caught:
        rc.get_manifest(parse_reference(f"{HOST}/app:1"))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "cannot connect"),
        (httpx.ReadTimeout("timed out"), "timed out"),
        (httpx.RemoteProtocolError("peer closed connection"), "peer closed connection"),
    ],
)
def test_transport_errors_become_registry_unavailable(exc: httpx.HTTPError, reason: str) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise exc

    with (
        RegistryClient(transport=httpx.MockTransport(handle)) as rc,
        pytest.raises(RegistryUnavailable) as caught,
    ):
        rc.head_manifest(parse_reference(f"{HOST}/app:1"))
    assert str(caught.value).startswith(f"registry {HOST} is unreachable: {reason}")
    assert caught.value.__cause__ is exc
    assert caught.value.exit_code == 5


def test_something_that_is_not_a_registry() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(404, text="<html>"))
    with RegistryClient(transport=transport) as rc, pytest.raises(RegistryUnavailable) as caught:
        rc.head_manifest(parse_reference(f"{HOST}/app:1"))
    assert str(caught.value) == (
        f"registry {HOST} does not speak the registry API: GET /v2/ answered 404 Not Found"
    )


def test_tls_failure_suggests_insecure_hosts() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        try:
            raise ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
        except ssl.SSLError as tls:
            raise httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number") from tls

    with (
        RegistryClient(transport=httpx.MockTransport(handle)) as rc,
        pytest.raises(
            RegistryUnavailable,
            match=r"TLS error .*: if it speaks plain http, list it in insecure_hosts",
        ),
    ):
        rc.head_manifest(parse_reference(f"{HOST}/app:1"))


def test_rate_limit_headers_are_exposed_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeRegistry(
        extra_headers={
            "ratelimit-limit": "100;w=21600",
            "ratelimit-remaining": "5;w=21600",
            "docker-ratelimit-source": "203.0.113.7",
        }
    )
    fake.put_image("library/nginx", "latest")
    expected = RateLimit(limit=100, remaining=5, window_s=21600, source="203.0.113.7")
    with caplog.at_level(logging.INFO, logger="dockyard.registry"), _client(fake) as rc:
        assert rc.last_rate_limit is None
        info = rc.head_manifest(parse_reference("nginx"))
        assert info.rate_limit == expected
        assert rc.last_rate_limit == expected
    assert (
        str(fake.requests[-1].url)
        == "https://registry-1.docker.io/v2/library/nginx/manifests/latest"
    )
    [record] = [
        r for r in caplog.records if r.name == "dockyard.registry" and r.levelno >= logging.INFO
    ]
    assert record.levelno == logging.WARNING
    assert (
        record.getMessage()
        == "registry pull rate limit is low: 5/100 pulls left per 6h (source 203.0.113.7)"
    )


@pytest.mark.parametrize(
    ("registry", "insecure", "scheme"),
    [
        ("127.0.0.1:5000", None, "http"),
        ("localhost:5000", None, "http"),
        ("[::1]:5000", None, "http"),
        ("reg.example:5000", None, "https"),
        ("reg.example:5000", ["reg.example:5000"], "http"),
    ],
)
def test_scheme_per_host(registry: str, insecure: list[str] | None, scheme: str) -> None:
    fake = FakeRegistry()
    fake.put_image("app", "1")
    with RegistryClient(transport=fake.transport(), insecure_hosts=insecure) as rc:
        rc.head_manifest(parse_reference(f"{registry}/app:1"))
    assert {r.url.scheme for r in fake.requests} == {scheme}


def test_token_realm_is_asked_as_given() -> None:
    fake = FakeRegistry(auth="bearer", users={"alice": SECRET})
    fake.put_image("app", "1")
    with _client(fake, creds=_with_user()) as rc:
        rc.head_manifest(parse_reference(f"{HOST}/app:1"))
    token_url = next(r.url for r in fake.requests if r.url.host == "auth.example")
    assert str(token_url).startswith(TOKEN_REALM + "?")
