"""Helpers that build layer tars and image archives in memory, for tests."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile

Member = tuple[str, int | None]  # name, size (None: directory)


def layer_tar(members: list[Member]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, size in members:
            info = tarfile.TarInfo(name)
            if size is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                archive.addfile(info)
            else:
                info.size = size
                archive.addfile(info, io.BytesIO(b"x" * size))
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config_for(layers: list[bytes], *, history: list[dict[str, object]] | None = None) -> bytes:
    return json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [sha256(layer) for layer in layers]},
            "history": history or [{"created_by": f"step {i}"} for i in range(len(layers))],
        }
    ).encode()


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def docker_save(layers: list[bytes], *, config: bytes | None = None) -> bytes:
    """A ``docker save`` (legacy layout) archive with manifest.json written last, as docker does."""
    config = config or config_for(layers)
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    buffer = io.BytesIO()
    names = []
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for position, layer in enumerate(layers):
            name = f"{position:064x}/layer.tar"
            names.append(name)
            _add(archive, name, layer)
        _add(archive, config_name, config)
        manifest = [{"Config": config_name, "RepoTags": ["t:1"], "Layers": names}]
        _add(archive, "manifest.json", json.dumps(manifest).encode())
    return buffer.getvalue()


def zstd_frames(data: bytes) -> bytes:
    """``data`` as two concatenated zstd frames, as a streaming compressor may write it."""
    import zstandard

    half = len(data) // 2
    compressor = zstandard.ZstdCompressor()
    return compressor.compress(data[:half]) + compressor.compress(data[half:])


def oci_layout(
    layers: list[bytes], *, config: bytes | None = None, compression: str = "gzip"
) -> bytes:
    """An OCI image layout archive with gzip- (or zstd-) compressed layer blobs."""
    config = config or config_for(layers)
    if compression == "zstd":
        blobs = [zstd_frames(layer) for layer in layers]
    else:
        blobs = [gzip.compress(layer, mtime=0) for layer in layers]
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"digest": sha256(config), "size": len(config)},
            "layers": [{"digest": sha256(b), "size": len(b)} for b in blobs],
        }
    ).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{"digest": sha256(manifest)}]}).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        _add(archive, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
        for blob in [*blobs, config, manifest]:
            _add(archive, "blobs/sha256/" + sha256(blob).split(":")[1], blob)
        _add(archive, "index.json", index)
    return buffer.getvalue()
