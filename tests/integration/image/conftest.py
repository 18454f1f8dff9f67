"""Fixtures for inspect/compare: a small image with known waste, pushed and saved, and a runner.

The image is built from the local busybox with the classic builder: a 3,000,000-byte file added
then deleted, and a 1,000,000-byte file overwritten by a 2,000,000-byte one. dive counts every
copy of both paths (6,000,000 wasted bytes); what a user can recover is 4,000,000 bytes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import httpx
import pytest

from tests.conftest import TestEnv

DOCKERFILE = """\
FROM {base}
RUN mkdir -p /work && dd if=/dev/zero of=/work/big bs=1000 count=3000
RUN rm /work/big
RUN dd if=/dev/zero of=/work/data bs=1000 count=1000
ENV MARK=1
RUN dd if=/dev/zero of=/work/data bs=1000 count=2000
"""


@dataclass(frozen=True)
class WastefulImage:
    tag: str
    pushed: str  # the same image in the open registry
    archive: Path  # docker save output
    base: str
    dockerfile: Path


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_dockyard(*args: str, cache: Path, extra_env: dict[str, str] | None = None) -> Result:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["XDG_CACHE_HOME"] = str(cache)
    env.update(extra_env or {})
    done = subprocess.run(
        [sys.executable, "-m", "dockyard", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def wasteful_image(
    test_env: TestEnv, docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WastefulImage]:
    suffix = os.urandom(5).hex()
    tag = f"dockyard-test/inspect-{suffix}:1"
    pushed = f"{test_env.registry}/dockyard-test/inspect-{suffix}:1"
    folder = tmp_path_factory.mktemp("inspect")
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(DOCKERFILE.format(base=test_env.busybox))
    image, _ = docker_client.images.build(
        fileobj=io.BytesIO(dockerfile.read_bytes()), tag=tag, rm=True, forcerm=True
    )
    image.tag(pushed)
    for line in docker_client.images.push(pushed, stream=True, decode=True):
        assert "error" not in line, line
    archive = folder / "image.tar"
    with archive.open("wb") as out:
        for chunk in image.save(named=True):
            out.write(chunk)
    try:
        yield WastefulImage(tag, pushed, archive, test_env.busybox, dockerfile)
    finally:
        for name in (pushed, tag):
            with contextlib.suppress(docker.errors.NotFound):
                docker_client.images.remove(name, force=True)


RICH_DOCKERFILE = """\
FROM {base}
RUN mkdir -p /data/keep /data/gone /opt/tree && dd if=/dev/zero of=/data/keep/a bs=1000 count=300 \
 && cp /data/keep/a /data/gone/b && ln /data/keep/a /data/keep/hard \
 && ln -s /data/keep/a /data/link \
 && for n in 1 2 3; do echo $n > /opt/tree/f$n; done
RUN rm -rf /data/gone && mkdir /data/gone && echo new > /data/gone/c && rm /bin/vi \
 && rm -rf /opt/tree && mkdir /opt/tree && echo 4 > /opt/tree/f4
RUN dd if=/dev/zero of=/data/keep/a bs=1000 count=500 && ln -sf /nowhere /data/link
"""


@pytest.fixture(scope="module")
def rich_image(test_env: TestEnv, docker_client: docker.DockerClient) -> Iterator[str]:
    """An image with hard links, symbolic links, deletions and directories deleted and made again
    (opaque directories on overlay): what makes readers of the engine's store disagree."""
    tag = f"dockyard-test/inspect-rich-{os.urandom(5).hex()}:1"
    dockerfile = RICH_DOCKERFILE.format(base=test_env.busybox).encode()
    docker_client.images.build(fileobj=io.BytesIO(dockerfile), tag=tag, rm=True, forcerm=True)
    try:
        yield tag
    finally:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.images.remove(tag, force=True)


MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
)
INDEX_TYPES = (
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
)


def platform_manifest(http: httpx.Client, name: str, reference: str) -> tuple[dict[str, Any], str]:
    """The linux/amd64 image manifest behind ``reference`` and its media type. Engine 20.10
    pushes a Docker manifest; Engine 28 with the containerd store pushes an OCI index (the image
    and its attestations), whose amd64 entry is the image."""
    accept = ", ".join(MANIFEST_TYPES + INDEX_TYPES)
    answer = http.get(f"/v2/{name}/manifests/{reference}", headers={"Accept": accept})
    answer.raise_for_status()
    document: dict[str, Any] = answer.json()
    if answer.headers.get("Content-Type", "").split(";")[0] in INDEX_TYPES:
        entry = next(
            m
            for m in document["manifests"]
            if (m.get("platform") or {}).get("architecture") == "amd64"
        )
        return platform_manifest(http, name, entry["digest"])
    return document, answer.headers.get("Content-Type", MANIFEST_TYPES[0]).split(";")[0]


@pytest.fixture(scope="session")
def store_reader(docker_client: docker.DockerClient) -> str:
    """How inspect reads the engine under test without ``docker save``: the classic layer
    store's tar-split metadata, or the containerd image store's unpacked snapshots."""
    status = dict(tuple(pair) for pair in docker_client.info().get("DriverStatus") or [])
    if status.get("driver-type") == "io.containerd.snapshotter.v1":
        return "containerd image store (unpacked snapshots)"
    return "engine layer store (tar-split metadata)"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"
