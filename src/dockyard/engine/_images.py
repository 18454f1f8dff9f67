"""Reading images from the engine for analysis: inspect, the layer store, and ``docker save``.

The fast path reads the engine's own layer store when it is on this host (``DockerRootDir`` exists
and is readable, ``DOCKER_HOST`` is a local socket, the engine is Docker): the image config from
``image/<driver>/imagedb`` and, for every layer, ``layerdb/sha256/<chain id>/tar-split.json.gz``,
the exact tar headers ``docker save`` would produce, so nothing is re-serialised.

What it checks: the config file's sha256 must equal the image id, and each layer's chain id
(computed from the config's ``diff_ids``) must resolve to a layer whose recorded ``diff`` equals
that diff id. It does not re-hash the layers' bytes (that costs as much as ``docker save``); the
engine verified them when it pulled, loaded or built them. When the store is not local or not
readable, :func:`stream_saved_image` streams ``GET /images/{name}/get`` instead; callers parse it
on the fly and check every layer against ``diff_ids``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._models import ImageInspect, parse_model
from dockyard.errors import DigestMismatch, ImageNotFound

__all__ = [
    "LayerStore",
    "StoredImage",
    "chain_ids",
    "find_base_image",
    "inspect_image",
    "inspect_image_document",
    "local_layer_store",
    "stream_saved_image",
    "uses_containerd_store",
]

_CHUNK = 1 << 20


def inspect_image(engine: Engine, *, ref: str) -> ImageInspect | None:
    """The engine's inspect of ``ref``, typed; None when the engine has no such image."""
    document = inspect_image_document(engine, ref=ref)
    if document is None:
        return None
    return parse_model(ImageInspect, document, what=f"inspecting image {ref}")


def inspect_image_document(engine: Engine, *, ref: str) -> dict[str, Any] | None:
    """The raw inspect document, for the engine package's own use (recreating containers needs
    the image's whole default config); None when the engine has no such image."""
    try:
        with translate_errors(f"inspecting image {ref}", not_found=ImageNotFound):
            attrs: dict[str, Any] = engine.sdk.api.inspect_image(ref)
    except ImageNotFound:
        return None
    return attrs


def stream_saved_image(engine: Engine, *, ref: str) -> Iterator[bytes]:
    """The ``docker save`` tar of ``ref`` as chunks, straight from the API (never on disk)."""
    missing = f"no image {ref} in the engine"
    with translate_errors(f"saving image {ref}", not_found=ImageNotFound, missing=missing):
        chunks = engine.sdk.api.get_image(ref, chunk_size=_CHUNK)
        yield from chunks


@dataclass(frozen=True)
class StoredImage:
    """An image as the local layer store holds it: config bytes and one tar-split per layer."""

    image_id: str
    config: bytes
    diff_ids: list[str]
    tar_splits: list[Path]
    layer_sizes: list[int]  # the store's own record of each layer's size


@dataclass(frozen=True)
class LayerStore:
    root: Path  # e.g. /var/lib/docker/image/overlay2

    def read(self, *, image_id: str, diff_ids: list[str]) -> StoredImage:
        """Read one image's config and layer metadata, checking ids and chain as documented."""
        config = self._config(image_id)
        chains = chain_ids(diff_ids)
        splits: list[Path] = []
        sizes: list[int] = []
        for diff_id, chain in zip(diff_ids, chains, strict=True):
            folder = self.root / "layerdb" / "sha256" / chain.removeprefix("sha256:")
            recorded = (folder / "diff").read_text().strip()
            if recorded != diff_id:
                raise DigestMismatch(
                    f"layer store: layer {chain} records diff {recorded}, the config says {diff_id}"
                )
            splits.append(folder / "tar-split.json.gz")
            sizes.append(int((folder / "size").read_text().strip() or 0))
        return StoredImage(image_id, config, list(diff_ids), splits, sizes)

    def _config(self, image_id: str) -> bytes:
        hex_id = image_id.removeprefix("sha256:")
        config = (self.root / "imagedb" / "content" / "sha256" / hex_id).read_bytes()
        actual = hashlib.sha256(config).hexdigest()
        if actual != hex_id:
            raise DigestMismatch(f"layer store: config of {image_id} hashes to sha256:{actual}")
        return config


def chain_ids(diff_ids: list[str]) -> list[str]:
    """ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))."""
    chains: list[str] = []
    for diff_id in diff_ids:
        if not chains:
            chains.append(diff_id)
            continue
        digest = hashlib.sha256(f"{chains[-1]} {diff_id}".encode()).hexdigest()
        chains.append("sha256:" + digest)
    return chains


def local_storage_facts(engine: Engine) -> dict[str, Any] | None:
    """``docker info`` of a local Docker engine whose storage this process may read directly;
    None for a remote ``DOCKER_HOST``, Podman, or when ``DOCKYARD_ENGINE_LAYER_STORE=off`` asks
    for the streamed ``docker save`` instead."""
    if os.environ.get("DOCKYARD_ENGINE_LAYER_STORE", "").lower() in ("0", "off", "false", "no"):
        return None
    host = os.environ.get("DOCKER_HOST", "")
    if (host and not host.startswith("unix://")) or engine.facts.product != "docker":
        return None
    return engine.storage_info


_SNAPSHOTTER_TYPE = "io.containerd.snapshotter.v1"


def uses_containerd_store(engine: Engine) -> bool:
    """Does the engine keep its images in containerd's store (Engine 28's default for new
    installs, ``"containerd-snapshotter": true``)? False for Podman."""
    if engine.facts.product != "docker":
        return False
    info = engine.storage_info
    status = {str(pair[0]): str(pair[1]) for pair in info.get("DriverStatus") or [] if pair}
    return status.get("driver-type") == _SNAPSHOTTER_TYPE


def local_layer_store(engine: Engine) -> LayerStore | None:
    """The engine's layer store if this process can read it; None for remote engines or Podman,
    or when ``DOCKYARD_ENGINE_LAYER_STORE=off`` asks for the streamed ``docker save`` instead."""
    info = local_storage_facts(engine)
    if info is None:
        return None
    root = Path(str(info.get("DockerRootDir", ""))) / "image" / str(info.get("Driver", ""))
    layerdb = root / "layerdb" / "sha256"
    if not (layerdb.is_dir() and os.access(layerdb, os.R_OK | os.X_OK)):
        return None
    return LayerStore(root)


def find_base_image(engine: Engine, *, diff_ids: list[str]) -> tuple[str, list[str]] | None:
    """The tagged image in the engine whose layers are the longest proper prefix of ``diff_ids``:
    the image this one was most likely built FROM. One inspect per tagged image."""
    best: tuple[str, list[str]] | None = None
    with translate_errors("listing images"):
        summaries = engine.sdk.api.images()
    for summary in summaries:
        tags = [t for t in summary.get("RepoTags") or [] if t != "<none>:<none>"]
        if not tags:
            continue
        image = inspect_image(engine, ref=str(summary["Id"]))
        layers = image.diff_ids if image is not None else []
        if not layers or len(layers) >= len(diff_ids) or diff_ids[: len(layers)] != layers:
            continue
        if best is None or len(layers) > len(best[1]):
            best = (sorted(tags)[0], layers)
    return best
