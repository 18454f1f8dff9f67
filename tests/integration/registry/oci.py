"""Put content into a real registry through its HTTP API, as a registry client would.

The tests use this to make what the docker engine cannot push here (OCI indexes, Docker
manifest lists, images for other platforms) and to fill registries that need credentials.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from typing import Any

import httpx

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layer_tar_gz(name: str, content: bytes) -> tuple[bytes, str]:
    """A one-file gzipped tar layer and its diff id (digest of the uncompressed tar)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0), sha256(raw.getvalue())


@dataclass(frozen=True)
class Pushed:
    digest: str
    size: int
    config: str
    layer: str


class RegistryWriter:
    """Uploads blobs and manifests to ``base_url`` (``http://127.0.0.1:5000``) with ``headers``."""

    def __init__(self, base_url: str, *, headers: dict[str, str] | None = None) -> None:
        self._http = httpx.Client(base_url=base_url, headers=headers or {}, timeout=30)

    def close(self) -> None:
        self._http.close()

    def blob(self, repo: str, data: bytes) -> str:
        digest = sha256(data)
        start = self._http.post(f"/v2/{repo}/blobs/uploads/")
        start.raise_for_status()
        location = httpx.URL(start.headers["location"]).copy_merge_params({"digest": digest})
        put = self._http.put(
            location,
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        put.raise_for_status()
        return digest

    def manifest(
        self, repo: str, ref: str, media_type: str, body: dict[str, Any]
    ) -> tuple[str, int]:
        raw = json.dumps(body, indent=3).encode()
        response = self._http.put(
            f"/v2/{repo}/manifests/{ref}", content=raw, headers={"Content-Type": media_type}
        )
        response.raise_for_status()
        assert response.headers["docker-content-digest"] == sha256(raw)
        return sha256(raw), len(raw)

    def image(self, repo: str, ref: str, *, arch: str, docker_types: bool = False) -> Pushed:
        """A tiny single-layer image for ``linux/<arch>``."""
        layer, diff_id = layer_tar_gz("hello.txt", f"hello from {arch}\n".encode())
        config = json.dumps(
            {
                "architecture": arch,
                "os": "linux",
                "config": {"Cmd": ["/hello"]},
                "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            }
        ).encode()
        config_digest = self.blob(repo, config)
        layer_digest = self.blob(repo, layer)
        media, config_type, layer_type = (
            (DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER)
            if docker_types
            else (OCI_MANIFEST, OCI_CONFIG, OCI_LAYER)
        )
        body = {
            "schemaVersion": 2,
            "mediaType": media,
            "config": {"mediaType": config_type, "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": layer_type, "digest": layer_digest, "size": len(layer)}],
        }
        digest, size = self.manifest(repo, ref, media, body)
        return Pushed(digest=digest, size=size, config=config_digest, layer=layer_digest)

    def index(
        self, repo: str, tag: str, images: dict[str, Pushed], *, docker_types: bool = False
    ) -> str:
        """An index (or Docker manifest list) over ``images`` keyed by ``os/arch[/variant]``."""
        media, entry_type = (
            (DOCKER_LIST, DOCKER_MANIFEST) if docker_types else (OCI_INDEX, OCI_MANIFEST)
        )
        entries = []
        for platform, image in images.items():
            os_name, arch, *variant = platform.split("/")
            spec: dict[str, str] = {"os": os_name, "architecture": arch}
            if variant:
                spec["variant"] = variant[0]
            entries.append(
                {
                    "mediaType": entry_type,
                    "digest": image.digest,
                    "size": image.size,
                    "platform": spec,
                }
            )
        body = {"schemaVersion": 2, "mediaType": media, "manifests": entries}
        digest, _ = self.manifest(repo, tag, media, body)
        return digest

    def delete(self, repo: str, digest: str) -> None:
        """Best-effort removal of what a test pushed (the registry has delete enabled)."""
        with contextlib.suppress(httpx.HTTPError):
            self._http.delete(f"/v2/{repo}/manifests/{digest}")
