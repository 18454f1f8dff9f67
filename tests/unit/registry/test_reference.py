"""Image references normalise exactly as docker's (distribution's ``reference`` package) do."""

from __future__ import annotations

import pytest

from dockyard.errors import UsageError
from dockyard.registry import ImageReference, parse_reference

D64 = "sha256:" + "ab" * 32
D128 = "sha512:" + "cd" * 64

NORMALISED = [
    # text, registry, repository, tag, digest, canonical str()
    ("nginx", "docker.io", "library/nginx", "latest", None, "docker.io/library/nginx:latest"),
    (
        "library/nginx",
        "docker.io",
        "library/nginx",
        "latest",
        None,
        "docker.io/library/nginx:latest",
    ),
    (
        "docker.io/nginx",
        "docker.io",
        "library/nginx",
        "latest",
        None,
        "docker.io/library/nginx:latest",
    ),
    (
        "index.docker.io/nginx:1",
        "docker.io",
        "library/nginx",
        "1",
        None,
        "docker.io/library/nginx:1",
    ),
    (
        "registry-1.docker.io/me/app",
        "docker.io",
        "me/app",
        "latest",
        None,
        "docker.io/me/app:latest",
    ),
    ("me/app:v1.2", "docker.io", "me/app", "v1.2", None, "docker.io/me/app:v1.2"),
    ("localhost/x", "localhost", "x", "latest", None, "localhost/x:latest"),
    ("localhost:5000/x", "localhost:5000", "x", "latest", None, "localhost:5000/x:latest"),
    (
        "127.0.0.1:5000/team/app:1.2@" + D64,
        "127.0.0.1:5000",
        "team/app",
        "1.2",
        D64,
        "127.0.0.1:5000/team/app:1.2@" + D64,
    ),
    ("x:tag@" + D64, "docker.io", "library/x", "tag", D64, "docker.io/library/x:tag@" + D64),
    ("x@" + D64, "docker.io", "library/x", None, D64, "docker.io/library/x@" + D64),
    ("ghcr.io/a/b/c@" + D128, "ghcr.io", "a/b/c", None, D128, "ghcr.io/a/b/c@" + D128),
    ("[::1]:5000/x:1", "[::1]:5000", "x", "1", None, "[::1]:5000/x:1"),
    (
        "example.com/a__b--c.d_e:1.0-rc_1",
        "example.com",
        "a__b--c.d_e",
        "1.0-rc_1",
        None,
        "example.com/a__b--c.d_e:1.0-rc_1",
    ),
    ("  nginx:1  ", "docker.io", "library/nginx", "1", None, "docker.io/library/nginx:1"),
]


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest", "canonical"), NORMALISED
)
def test_normalises_like_docker(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None, canonical: str
) -> None:
    ref = parse_reference(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        registry,
        repository,
        tag,
        digest,
    )
    assert str(ref) == canonical
    assert parse_reference(str(ref)) == ref


REFUSED = [
    ("Nginx", "lowercase"),
    ("docker.io/Library/nginx", "lowercase"),
    ("me/App:1", "lowercase"),
    ("nginx:", "bad tag"),
    ("nginx:bad!tag", "bad tag"),
    ("nginx:" + "t" * 129, "bad tag"),
    ("x@sha256:abc", "bad digest"),
    ("x@md5:" + "a" * 32, "sha256"),
    ("x@sha256:" + "AB" * 32, "lowercase"),
    ("", "no repository"),
    ("x/", "repository components"),
    ("a//b", "repository components"),
    ("-x", "repository components"),
    ("a___b", "repository components"),
    ("host:5000/", "no repository"),
    ("a" * 64, "image id"),
    ("example.com/" + "a" * 250, "255"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_refuses_what_docker_refuses_with_one_clear_line(text: str, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_reference(text)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message
    assert caught.value.exit_code == 2


def test_properties_used_by_callers() -> None:
    hub = parse_reference("nginx")
    assert hub.api_host == "registry-1.docker.io"
    assert hub.familiar == "nginx:latest"
    assert hub.name == "docker.io/library/nginx"
    assert hub.reference == "latest"
    assert not hub.is_loopback
    local = parse_reference("127.0.0.1:5000/app@" + D64)
    assert local.api_host == "127.0.0.1:5000"
    assert local.reference == D64
    assert local.is_loopback
    assert parse_reference("localhost:5000/x").is_loopback
    assert parse_reference("[::1]:5000/x").is_loopback
    assert not parse_reference("example.com/x").is_loopback


def test_with_tag_and_with_digest() -> None:
    ref = parse_reference("127.0.0.1:5000/team/app:1.2@" + D64)
    retagged = ref.with_tag("x")
    assert str(retagged) == "127.0.0.1:5000/team/app:x"
    pinned = parse_reference("me/app:1").with_digest(D64)
    assert str(pinned) == "docker.io/me/app:1@" + D64
    assert pinned.reference == D64
    with pytest.raises(UsageError):
        ref.with_tag("bad tag")
    with pytest.raises(UsageError):
        ref.with_digest("sha256:short")


def test_reference_is_a_value() -> None:
    assert parse_reference("nginx") == ImageReference("docker.io", "library/nginx", "latest", None)
    assert len({parse_reference("nginx"), parse_reference("docker.io/library/nginx:latest")}) == 1
