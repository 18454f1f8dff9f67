"""Reading an image from a containerd root laid out as dockerd's containerd lays it out."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from dockyard.engine import ContainerdStore, chain_ids
from dockyard.errors import DigestMismatch
from tests.unit.engine.boltfile import Tree, bolt_file

GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
TAR = "application/vnd.oci.image.layer.v1.tar"
AMD64 = ("linux", "amd64", "")


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class FakeRoot:
    root: Path
    diff_ids: list[str]
    blob_digests: list[str]
    image_id: str = ""

    def blob(self, data: bytes) -> str:
        name = digest(data)
        folder = self.root / "io.containerd.content.v1.content/blobs/sha256"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name.removeprefix("sha256:")).write_bytes(data)
        return name


def make_root(
    root: Path,
    *,
    labels: list[str] | None = None,
    parents: list[str] | None = None,
    unpacked: int | None = None,
    media_types: list[str] | None = None,
    indexed: bool = True,
    init_layer: bool = False,
) -> FakeRoot:
    """A two-layer image: a gzip layer with its uncompressed label, then one more layer."""
    diff_ids = [digest(b"layer-0"), digest(b"layer-1")]
    types = media_types or [GZIP, GZIP]
    blobs = [
        d if t == TAR else digest(b"gz-" + d.encode()) for d, t in zip(diff_ids, types, strict=True)
    ]
    fake = FakeRoot(root, diff_ids, blobs)
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    manifest = json.dumps(
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"digest": fake.blob(config), "size": len(config)},
            "layers": [
                {"mediaType": t, "digest": b, "size": 100 + n}
                for n, (t, b) in enumerate(zip(types, blobs, strict=True))
            ],
        }
    ).encode()
    manifest_digest = fake.blob(manifest)
    fake.image_id = manifest_digest
    if indexed:
        index = {
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {"digest": digest(b"absent"), "platform": {"os": "linux", "architecture": "arm64"}},
                {"digest": manifest_digest, "platform": {"os": "linux", "architecture": "amd64"}},
                {
                    "digest": digest(b"att"),
                    "platform": {"os": "unknown", "architecture": "unknown"},
                },
            ],
        }
        fake.image_id = fake.blob(json.dumps(index).encode())
    chains = chain_ids(diff_ids)
    recorded = labels or diff_ids
    content: Tree = {
        b.encode(): {b"labels": {b"containerd.io/uncompressed": r.encode()}}
        for b, r, t in zip(blobs, recorded, types, strict=True)
        if t != TAR
    }
    parent_of = parents if parents is not None else ["", chains[0]]
    count = len(chains) if unpacked is None else unpacked
    snapshots: Tree = {}
    backend: Tree = {}
    for n, chain in enumerate(chains[:count]):
        key = f"moby/{n + 7}/{chain}".encode()
        record: Tree = {b"name": key}
        if parent_of[n]:
            record[b"parent"] = parent_of[n].encode()
        snapshots[chain.encode()] = record
        backend[key] = {b"id": bytes([n + 1]), b"kind": b"\x03"}
        (root / f"io.containerd.snapshotter.v1.overlayfs/snapshots/{n + 1}/fs").mkdir(parents=True)
    if init_layer:  # the classic builder commits a container, whose parent is its init layer
        snapshots[chains[1].encode()][b"parent"] = b"abc-init"  # type: ignore[index]
        snapshots[b"abc-init"] = {b"name": b"moby/9/abc-init", b"parent": chains[0].encode()}
    meta: Tree = {
        b"v1": {b"moby": {b"content": {b"blob": content}, b"snapshots": {b"overlayfs": snapshots}}}
    }
    (root / "io.containerd.metadata.v1.bolt").mkdir(parents=True)
    (root / "io.containerd.metadata.v1.bolt/meta.db").write_bytes(bolt_file(meta))
    (root / "io.containerd.snapshotter.v1.overlayfs/metadata.db").write_bytes(
        bolt_file({b"v1": {b"snapshots": backend}})
    )
    return fake


def test_an_indexed_image_resolves_to_its_platforms_manifest_config_and_snapshots(
    tmp_path: Path,
) -> None:
    fake = make_root(tmp_path)
    image = ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64)
    assert image is not None
    assert image.diff_ids == fake.diff_ids
    assert image.layer_digests == fake.blob_digests
    assert image.layer_sizes == [100, 101]
    snapshots = tmp_path / "io.containerd.snapshotter.v1.overlayfs/snapshots"
    assert image.layer_dirs == [snapshots / "1/fs", snapshots / "2/fs"]
    assert json.loads(image.config)["rootfs"]["diff_ids"] == fake.diff_ids


def test_a_plain_manifest_with_an_uncompressed_layer_needs_no_label(tmp_path: Path) -> None:
    fake = make_root(tmp_path, media_types=[TAR, GZIP], indexed=False)
    image = ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64)
    assert image is not None
    assert image.manifest_digest == fake.image_id


def test_another_platform_than_the_stored_ones_is_not_read(tmp_path: Path) -> None:
    fake = make_root(tmp_path)
    store = ContainerdStore(tmp_path)
    assert store.read(image_id=fake.image_id, platform=("linux", "arm64", "v8")) is None


def test_a_layer_not_unpacked_sends_the_caller_to_the_fallback(tmp_path: Path) -> None:
    fake = make_root(tmp_path, unpacked=1)
    assert ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64) is None


def test_a_config_whose_bytes_do_not_match_its_digest_is_refused(tmp_path: Path) -> None:
    fake = make_root(tmp_path, indexed=False)
    manifest = json.loads(
        (tmp_path / "io.containerd.content.v1.content/blobs/sha256" / fake.image_id[7:]).read_text()
    )
    config = (
        tmp_path
        / "io.containerd.content.v1.content/blobs/sha256"
        / manifest["config"]["digest"].removeprefix("sha256:")
    )
    config.write_bytes(config.read_bytes().replace(b"layers", b"LAYERS"))
    with pytest.raises(DigestMismatch, match="hashes to"):
        ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64)


def test_a_layer_recorded_as_another_diff_id_is_refused(tmp_path: Path) -> None:
    fake = make_root(tmp_path, labels=[digest(b"layer-0"), digest(b"something else")])
    with pytest.raises(DigestMismatch, match="uncompresses to"):
        ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64)


def test_a_snapshot_whose_parent_breaks_the_chain_is_refused(tmp_path: Path) -> None:
    fake = make_root(tmp_path, parents=["", digest(b"not the first layer")])
    with pytest.raises(DigestMismatch, match="has parent"):
        ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64)


def test_an_image_not_in_this_root_is_not_read(tmp_path: Path) -> None:
    make_root(tmp_path)
    assert ContainerdStore(tmp_path).read(image_id=digest(b"other"), platform=AMD64) is None


def test_a_layer_committed_over_a_containers_init_layer_keeps_its_chain(tmp_path: Path) -> None:
    fake = make_root(tmp_path, init_layer=True)
    image = ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64)
    assert image is not None
    assert len(image.layer_dirs) == 2


def test_an_uncompressed_layer_blob_is_offered_for_reading_in_its_own_order(
    tmp_path: Path,
) -> None:
    fake = make_root(tmp_path, media_types=[TAR, GZIP])
    fake.blob(b"layer-0")  # the uncompressed blob is named by its diff id
    image = ContainerdStore(tmp_path).read(image_id=fake.image_id, platform=AMD64)
    assert image is not None
    blobs = tmp_path / "io.containerd.content.v1.content/blobs/sha256"
    assert image.layer_tars == [blobs / fake.diff_ids[0].removeprefix("sha256:"), None]
