"""The client against the open registry (:5000): what the engine pushed, and indexes by platform."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import docker
import pytest

from dockyard.errors import ManifestNotFound
from dockyard.registry import Platform, RegistryClient, parse_reference
from tests.integration.registry.oci import DOCKER_LIST, OCI_INDEX, RegistryWriter, sha256

if TYPE_CHECKING:
    from tests.conftest import EngineUnderTest, TestEnv


@pytest.fixture
def pushed_by_engine(
    docker_client: docker.DockerClient, test_env: TestEnv, unique: str
) -> Iterator[tuple[str, str, str]]:
    """busybox pushed by the engine as <registry>/dockyard-registry-<unique>:v1."""
    repo = f"{test_env.registry}/dockyard-registry-{unique}"
    image = docker_client.images.get(test_env.busybox)
    image.tag(repo, tag="v1")
    digest = ""
    try:
        for line in docker_client.images.push(repo, tag="v1", stream=True, decode=True):
            assert "error" not in line, line
            # the last status line, on every engine (20.10 repeats it in "aux", 28 does not)
            if found := re.match(r"v1: digest: (sha256:[0-9a-f]{64}) ", line.get("status", "")):
                digest = found[1]
        assert digest.startswith("sha256:")
        yield f"{repo}:v1", digest, image.id
    finally:
        docker_client.images.remove(f"{repo}:v1", noprune=True)
        writer = RegistryWriter(f"http://{test_env.registry}")
        if digest:
            writer.delete(f"dockyard-registry-{unique}", digest)
        writer.close()


def test_head_and_get_what_the_engine_pushed(
    pushed_by_engine: tuple[str, str, str], engine: EngineUnderTest
) -> None:
    name, pushed_digest, image_id = pushed_by_engine
    ref = parse_reference(name)
    with RegistryClient() as rc:
        info = rc.head_manifest(ref)
        manifest = rc.get_manifest(ref, platform=Platform.parse("linux/amd64"))
        config = rc.get_blob_bytes(ref, manifest.config_digest or "")
        streamed = []
        for layer in manifest.layers:
            with rc.open_blob(ref, layer.digest, chunk_size=64 * 1024) as chunks:
                streamed.append(sum(len(chunk) for chunk in chunks))
        by_digest = rc.get_manifest(ref.with_digest(pushed_digest))
    assert info.digest == pushed_digest
    assert info.media_type == "application/vnd.docker.distribution.manifest.v2+json"
    assert info.size == len(manifest.raw)
    assert manifest.digest == pushed_digest == sha256(manifest.raw)
    # an engine names an image by its config on the classic store, by its manifest on containerd's
    assert image_id == (pushed_digest if engine.containerd_store else manifest.config_digest)
    assert json.loads(config)["os"] == "linux"
    assert streamed == [layer.size for layer in manifest.layers]
    assert by_digest.raw == manifest.raw


@pytest.mark.parametrize("docker_types", [False, True], ids=["oci-index", "docker-manifest-list"])
def test_index_resolved_by_platform(
    open_writer: RegistryWriter, test_env: TestEnv, unique: str, docker_types: bool
) -> None:
    repo = f"dockyard-registry-index-{unique}"
    amd = open_writer.image(repo, "amd64", arch="amd64", docker_types=docker_types)
    arm = open_writer.image(repo, "arm64", arch="arm64", docker_types=docker_types)
    index = open_writer.index(
        repo, "multi", {"linux/amd64": amd, "linux/arm64/v8": arm}, docker_types=docker_types
    )
    ref = parse_reference(f"{test_env.registry}/{repo}:multi")
    try:
        with RegistryClient() as rc:
            info = rc.head_manifest(ref)
            on_arm = rc.get_manifest(ref, platform=Platform.parse("linux/arm64"))
            on_amd = rc.get_manifest(ref, platform=Platform.parse("linux/amd64"))
            arm_config = json.loads(rc.get_blob_bytes(ref, on_arm.config_digest or ""))
            with rc.open_blob(ref, on_amd.layers[0].digest) as chunks:
                amd_layer = b"".join(chunks)
            tags = rc.list_tags(ref)
            amd_config = rc.get_image_config(ref, platform=Platform.parse("linux/amd64"))
            with pytest.raises(ManifestNotFound, match="no image for platform linux/s390x"):
                rc.get_manifest(ref, platform=Platform.parse("linux/s390x"))
    finally:
        for digest in (index, amd.digest, arm.digest):
            open_writer.delete(repo, digest)
    assert info.digest == index
    assert info.media_type == (DOCKER_LIST if docker_types else OCI_INDEX)
    assert (on_arm.digest, on_arm.index_digest) == (arm.digest, index)
    assert (on_amd.digest, on_amd.index_digest) == (amd.digest, index)
    assert arm_config["architecture"] == "arm64"
    assert amd_config["architecture"] == "amd64"
    assert sorted(tags) == ["amd64", "arm64", "multi"]
    assert sha256(amd_layer) == amd.layer


def test_unknown_tag_and_repository(test_env: TestEnv, unique: str) -> None:
    with RegistryClient() as rc:
        with pytest.raises(ManifestNotFound) as caught:
            rc.head_manifest(parse_reference(f"{test_env.registry}/dockyard-none-{unique}:x"))
        assert caught.value.exit_code == 4
        with pytest.raises(ManifestNotFound, match="not found on registry"):
            rc.get_manifest(parse_reference(f"{test_env.registry}/dockyard-none-{unique}:x"))
