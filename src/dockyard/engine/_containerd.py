"""Reading an image from the containerd image store of a local engine, without ``docker save``.

Engines that keep images in containerd (the containerd snapshotter: the default of a fresh Engine
29, an option since 24) have no ``layerdb`` and no tar-split metadata. What they have instead:

- containerd's **content store** (``io.containerd.content.v1.content/blobs/sha256/<hex>``): the
  image's index or manifest, its config and its layer blobs, each a file named by its digest;
- containerd's **metadata** (``io.containerd.metadata.v1.bolt/meta.db``, bbolt): per namespace
  (``moby`` for dockerd) the content blobs' labels, among them ``containerd.io/uncompressed``, the
  diff id of a compressed layer, and the snapshots keyed by each layer's chain id;
- the **overlayfs snapshotter**'s own ``metadata.db``, which maps a snapshot key to the numbered
  directory ``snapshots/<id>/fs``: the unpacked layer itself, as an overlay upper directory.

Everything here is read-only and goes through no API that changes containerd's state (a snapshot
``View`` would): the files are read as they are. What is checked before anything is trusted: the
index, manifest and config each hash to the digest that names them; the config's diff ids are as
many as the manifest's layers and each layer blob is recorded as uncompressing to its diff id (or,
uncompressed, is named by it); each layer's snapshot is found by its chain id, committed, and its
parent is the previous layer's chain id (through the container's init layer for layers the classic
builder committed). Like the classic path, the layer bytes are not re-hashed: containerd verified
the diff ids when it unpacked them.

Where a layer blob is an uncompressed tar (``docker load`` keeps them so), its headers are read
instead of the snapshot, seeking past the contents: that keeps the tar's own order, which decides
which name of a hard link carries the size. A snapshot is walked in lexical order, the order of
the writers that produce layers from snapshots (BuildKit, containerd's differ, a commit).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockyard.engine._bolt import BoltBucket, BoltError, open_bolt
from dockyard.engine._client import Engine
from dockyard.engine._images import chain_ids, local_storage_facts, uses_containerd_store
from dockyard.errors import DigestMismatch

__all__ = ["ContainerdStore", "SnapshotImage", "local_containerd_store"]

_NAMESPACE = b"moby"
_COMMITTED = 3  # containerd's snapshots.KindCommitted
_UNCOMPRESSED_LABEL = b"containerd.io/uncompressed"
_INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
_TAR_TYPES = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.docker.image.rootfs.diff.tar",
}
_ROOT_ENV = "DOCKYARD_CONTAINERD_ROOT"
_INIT_SUFFIX = "-init"


class _Unreadable(Exception):
    """The store does not hold what this image needs in a form read here: use the fallback."""


@dataclass(frozen=True)
class SnapshotImage:
    """An image as the containerd store holds it: its config and one directory per layer."""

    image_id: str  # what the engine calls the image: its index or manifest digest
    manifest_digest: str
    config_digest: str
    config: bytes
    diff_ids: list[str]
    layer_dirs: list[Path]  # the overlay upper directory of each layer, bottom first
    layer_digests: list[str]  # the layer blobs as the manifest names them (compressed or not)
    layer_sizes: list[int]  # and their sizes, as pushed
    layer_tars: list[Path | None]  # the blob itself where it is an uncompressed tar, else None


@dataclass(frozen=True)
class ContainerdStore:
    """A containerd root this process can read, and the snapshotter dockerd unpacks into."""

    root: Path  # e.g. /var/lib/docker/containerd/daemon or /var/lib/containerd
    snapshotter: str = "overlayfs"

    def read(self, *, image_id: str, platform: tuple[str, str, str]) -> SnapshotImage | None:
        """The image named ``image_id`` for ``platform`` (os, architecture, variant), or None when
        this store does not hold it readably (another root, a snapshot not unpacked, an unknown
        layout): the caller falls back to ``docker save``. A digest that does not match raises."""
        try:
            return self._read(image_id, platform)
        except (_Unreadable, BoltError, OSError, ValueError, KeyError):
            return None

    def _read(self, image_id: str, platform: tuple[str, str, str]) -> SnapshotImage:
        target = json.loads(self._blob(image_id))
        manifest_digest = image_id
        if target.get("mediaType") in _INDEX_TYPES or "manifests" in target:
            manifest_digest = self._pick_manifest(target, platform)
            manifest = json.loads(self._blob(manifest_digest))
        else:
            manifest = target
        config_digest = str(manifest["config"]["digest"])
        config = self._blob(config_digest)
        diff_ids = [str(d) for d in json.loads(config)["rootfs"]["diff_ids"]]
        layers = list(manifest.get("layers") or [])
        if len(layers) != len(diff_ids):
            raise DigestMismatch(
                f"containerd store: manifest {manifest_digest} lists {len(layers)} layers, "
                f"its config {len(diff_ids)} diff ids"
            )
        with open_bolt(self.root / "io.containerd.metadata.v1.bolt" / "meta.db") as meta:
            namespace = meta.root.path(b"v1", _NAMESPACE)
            if namespace is None:
                raise _Unreadable("no moby namespace")
            blobs = namespace.path(b"content", b"blob")
            for layer, diff_id in zip(layers, diff_ids, strict=True):
                self._check_layer(blobs, layer, diff_id)
            layer_dirs = self._layer_dirs(namespace, chain_ids(diff_ids))
        return SnapshotImage(
            image_id=image_id,
            manifest_digest=manifest_digest,
            config_digest=config_digest,
            config=config,
            diff_ids=diff_ids,
            layer_dirs=layer_dirs,
            layer_digests=[str(layer.get("digest", "")) for layer in layers],
            layer_sizes=[int(layer.get("size", 0)) for layer in layers],
            layer_tars=[self._tar_blob(layer) for layer in layers],
        )

    def _blob(self, digest: str) -> bytes:
        algorithm, _, hex_digest = digest.partition(":")
        if algorithm != "sha256" or len(hex_digest) != 64:
            raise _Unreadable(f"digest {digest!r}")
        path = self.root / "io.containerd.content.v1.content" / "blobs" / "sha256" / hex_digest
        if not path.is_file():
            raise _Unreadable(f"no blob {digest}")
        data = path.read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        if actual != hex_digest:
            raise DigestMismatch(f"containerd store: blob {digest} hashes to sha256:{actual}")
        return data

    def _tar_blob(self, layer: dict[str, Any]) -> Path | None:
        if layer.get("mediaType") not in _TAR_TYPES:
            return None
        hex_digest = str(layer.get("digest", "")).removeprefix("sha256:")
        path = self.root / "io.containerd.content.v1.content" / "blobs" / "sha256" / hex_digest
        return path if path.is_file() else None

    def _pick_manifest(self, index: dict[str, Any], platform: tuple[str, str, str]) -> str:
        """The index's manifest for ``platform`` that this store holds (dockerd keeps only the
        platforms it pulled); attestation manifests (platform unknown/unknown) never match."""
        want_os, want_arch, want_variant = platform
        for entry in index.get("manifests") or []:
            spec = entry.get("platform") or {}
            if (spec.get("os"), spec.get("architecture")) != (want_os, want_arch):
                continue
            if want_variant and spec.get("variant") not in (None, "", want_variant):
                continue
            digest = str(entry.get("digest", ""))
            blob = self.root / "io.containerd.content.v1.content" / "blobs" / "sha256"
            if (blob / digest.removeprefix("sha256:")).is_file():
                return digest
        raise _Unreadable(f"no local manifest for {'/'.join(p for p in platform if p)}")

    def _check_layer(self, blobs: BoltBucket | None, layer: dict[str, Any], diff_id: str) -> None:
        digest = str(layer.get("digest", ""))
        if layer.get("mediaType") in _TAR_TYPES:
            recorded = digest
        else:
            record = blobs.bucket(digest.encode()) if blobs is not None else None
            labels = record.bucket(b"labels") if record is not None else None
            value = labels.get(_UNCOMPRESSED_LABEL) if labels is not None else None
            if value is None:
                raise _Unreadable(f"no uncompressed digest recorded for layer {digest}")
            recorded = value.decode()
        if recorded != diff_id:
            raise DigestMismatch(
                f"containerd store: layer {digest} uncompresses to {recorded}, "
                f"the config says {diff_id}"
            )

    def _layer_dirs(self, namespace: BoltBucket, chains: list[str]) -> list[Path]:
        snapshots = namespace.path(b"snapshots", self.snapshotter.encode())
        folder = self.root / f"io.containerd.snapshotter.v1.{self.snapshotter}"
        with open_bolt(folder / "metadata.db") as snapshotter:
            backend = snapshotter.root.path(b"v1", b"snapshots")
            if snapshots is None or backend is None:
                raise _Unreadable("no snapshots recorded")
            return self._snapshot_dirs(snapshots, backend, folder, chains)

    def _snapshot_dirs(
        self, snapshots: BoltBucket, backend: BoltBucket, folder: Path, chains: list[str]
    ) -> list[Path]:
        dirs: list[Path] = []
        for position, chain in enumerate(chains):
            record = snapshots.bucket(chain.encode())
            if record is None:
                raise _Unreadable(f"layer {chain} is not unpacked")
            parent = (record.get(b"parent") or b"").decode()
            expected = chains[position - 1] if position else ""
            if parent != expected and parent.endswith(_INIT_SUFFIX):
                # committed from a container by the classic builder: its parent is the
                # container's init layer, whose own parent is the previous layer
                init = snapshots.bucket(parent.encode())
                parent = ((init.get(b"parent") if init is not None else None) or b"").decode()
            if parent != expected:
                raise DigestMismatch(
                    f"containerd store: snapshot {chain} has parent {parent or 'none'}, "
                    f"the chain says {expected or 'none'}"
                )
            key = record.get(b"name")
            stored = backend.bucket(key) if key is not None else None
            if stored is None:
                raise _Unreadable(f"snapshot {chain} has no backend record")
            kind = _uvarint(stored.get(b"kind") or b"")
            if kind != _COMMITTED:
                raise _Unreadable(f"snapshot {chain} is not committed")
            directory = folder / "snapshots" / str(_uvarint(stored.get(b"id") or b"")) / "fs"
            if not directory.is_dir():
                raise _Unreadable(f"snapshot directory {directory} is missing")
            dirs.append(directory)
        return dirs


def _uvarint(data: bytes) -> int:
    """Go's ``binary.Uvarint``, which containerd uses for ids and kinds."""
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
        shift += 7
    raise _Unreadable("truncated varint")


def local_containerd_store(engine: Engine) -> ContainerdStore | None:
    """The engine's containerd store if it keeps images there and this process can read it; None
    for the classic store, remote engines, Podman, a snapshotter other than overlayfs, or when
    ``DOCKYARD_ENGINE_LAYER_STORE=off`` asks for the streamed ``docker save`` instead.

    dockerd's own containerd keeps its root in ``<DockerRootDir>/containerd/daemon``; a system
    containerd (Docker's packages) in ``/var/lib/containerd``; ``DOCKYARD_CONTAINERD_ROOT`` names
    another. The first that holds containerd's metadata is used; the digests decide the rest."""
    info = local_storage_facts(engine)
    if info is None:
        return None
    if not uses_containerd_store(engine) or info.get("Driver") != "overlayfs":
        return None
    candidates = [
        os.environ.get(_ROOT_ENV, ""),
        str(Path(str(info.get("DockerRootDir", ""))) / "containerd" / "daemon"),
        "/var/lib/containerd",
    ]
    for candidate in filter(None, candidates):
        root = Path(candidate)
        if os.access(root / "io.containerd.metadata.v1.bolt" / "meta.db", os.R_OK):
            return ContainerdStore(root)
    return None
