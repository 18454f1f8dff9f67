"""An image whose layers are zstd-compressed (OCI ``tar+zstd``), as BuildKit pushes with
``compression=zstd``: the real registry serves it, `inspect` reads it like the gzip original."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import httpx
import zstandard

from tests.integration.image.conftest import WastefulImage, run_dockyard

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
ZSTD_LAYER = "application/vnd.oci.image.layer.v1.tar+zstd"
KEYS = ("size_bytes", "efficiency", "wasted_bytes", "recoverable_bytes", "user_wasted_percent")


def _upload(http: httpx.Client, name: str, body: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    upload = http.post(f"/v2/{name}/blobs/uploads/")
    assert upload.status_code == 202, upload.text
    location = upload.headers["Location"]
    separator = "&" if "?" in location else "?"
    done = http.put(f"{location}{separator}digest={digest}", content=body)
    assert done.status_code == 201, done.text
    return digest


def _push_zstd_copy(pushed: str) -> str:
    """The pushed image again under the tag ``zstd``, every layer recompressed with zstd."""
    registry, _, rest = pushed.partition("/")
    name, _, _tag = rest.rpartition(":")
    # Engine 20.10 pushes a Docker manifest of gzip layers; Engine 28 on the containerd store an
    # OCI manifest, whose layers loaded from a `docker save` stay uncompressed tars.
    accept = f"application/vnd.docker.distribution.manifest.v2+json, {OCI_MANIFEST}"
    with httpx.Client(base_url=f"http://{registry}", timeout=60) as http:
        manifest = http.get(f"/v2/{name}/manifests/1", headers={"Accept": accept}).json()
        config = manifest["config"]
        layers = []
        for layer in manifest["layers"]:
            stored = http.get(f"/v2/{name}/blobs/{layer['digest']}").content
            plain = gzip.decompress(stored) if layer["mediaType"].endswith("gzip") else stored
            blob = zstandard.ZstdCompressor(level=3).compress(plain)
            digest = _upload(http, name, blob)
            layers.append({"mediaType": ZSTD_LAYER, "digest": digest, "size": len(blob)})
        oci = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config["digest"],
                "size": config["size"],
            },
            "layers": layers,
        }
        put = http.put(
            f"/v2/{name}/manifests/zstd",
            content=json.dumps(oci).encode(),
            headers={"Content-Type": OCI_MANIFEST},
        )
        assert put.status_code == 201, put.text
    return f"{registry}/{name}:zstd"


def test_zstd_layers_from_a_registry_read_like_the_gzip_ones(
    wasteful_image: WastefulImage, cache: Path
) -> None:
    zstd_ref = _push_zstd_copy(wasteful_image.pushed)
    reports = {}
    for ref in (wasteful_image.pushed, zstd_ref):
        result = run_dockyard(
            "inspect", "--json", "--no-cache", "--source", "registry", ref, cache=cache
        )
        assert result.code == 0, result.stderr
        reports[ref] = result.json()
    gzip_report, zstd_report = reports[wasteful_image.pushed], reports[zstd_ref]
    assert [zstd_report[k] for k in KEYS] == [gzip_report[k] for k in KEYS]
    assert zstd_report["wasted_bytes"] > 0
    assert len(zstd_report["layers"]) == len(gzip_report["layers"])
    # The same layers (by their uncompressed digest), stored differently.
    assert [row["digest"] for row in zstd_report["layers"]] == [
        row["digest"] for row in gzip_report["layers"]
    ]
    assert zstd_report["compressed_size_bytes"] != gzip_report["compressed_size_bytes"]
