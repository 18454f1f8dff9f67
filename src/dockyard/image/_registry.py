"""Images read straight from a registry: manifest, config and layer blobs, never the engine.

Every blob is digest-checked by the registry client while it streams (a mismatch raises
:class:`~dockyard.errors.DigestMismatch` when the stream ends), and every layer's uncompressed
sha256 is compared here with the config's ``diff_ids``.
"""

from __future__ import annotations

import json
from typing import Any

from dockyard.errors import AnalysisError, DigestMismatch
from dockyard.image._cache import LayerCache
from dockyard.image._model import ImageData, LayerFiles
from dockyard.image._tarscan import (
    ChunkReader,
    GunzipReader,
    HashingReader,
    PrefixedReader,
    ZstdReader,
    read_layer_tar,
    sniff_kind,
)

__all__ = ["load_from_registry"]


def load_from_registry(
    ref: str, *, platform: str | None, environ: dict[str, str], cache: LayerCache
) -> ImageData:
    from dockyard.registry import CredentialStore, Platform, RegistryClient, parse_reference

    reference = parse_reference(ref)
    wanted = Platform.parse(platform) if platform else None
    with RegistryClient(credentials=CredentialStore.from_environment(environ=environ)) as client:
        manifest = client.get_manifest(reference, platform=wanted)
        if manifest.config_digest is None:
            raise AnalysisError(f"{ref}: the manifest names no image config")
        config_bytes = client.get_blob_bytes(reference, manifest.config_digest)
        config = _json(config_bytes, what=f"config of {ref}")
        diff_ids = [str(d) for d in (config.get("rootfs") or {}).get("diff_ids") or []]
        descriptors = list(manifest.layers)
        if len(diff_ids) != len(descriptors):
            raise AnalysisError(
                f"{ref}: the config lists {len(diff_ids)} layers, the manifest {len(descriptors)}"
            )
        layers: list[LayerFiles] = []
        for position, (descriptor, diff_id) in enumerate(zip(descriptors, diff_ids, strict=True)):
            layer = cache.get(diff_id)
            if layer is None:
                layer = _read_blob(client, reference, descriptor.digest, diff_id, position, ref)
                cache.put(diff_id, layer)
            layers.append(layer)
    return ImageData(
        name=ref,
        source="registry",
        config=config,
        diff_ids=diff_ids,
        layers=layers,
        layer_digests=[str(d.digest) for d in descriptors],
        compressed_sizes=[int(d.size) for d in descriptors],
        image_id=str(manifest.config_digest),
        reader="registry blobs, streamed",
        verified="every blob against its digest; every layer's sha256 against the diff_ids",
    )


def _read_blob(
    client: Any, reference: Any, digest: str, diff_id: str, position: int, ref: str
) -> LayerFiles:
    with client.open_blob(reference, digest) as chunks:
        raw = ChunkReader(chunks)
        head = raw.read(512)
        stream = PrefixedReader(head, raw)
        kind = sniff_kind(head)
        if kind == "gzip":
            inner = HashingReader(GunzipReader(stream))
        elif kind == "zstd":
            inner = HashingReader(ZstdReader(stream))
        else:
            inner = HashingReader(stream)
        layer = read_layer_tar(inner, what=f"{ref}: layer {digest}")
        inner.drain()
        stream.read(-1)  # the rest, so the client checks the blob digest
    if inner.digest != diff_id:
        raise DigestMismatch(
            f"{ref}: layer {position} ({digest}) uncompresses to {inner.digest}, "
            f"the config's diff_id is {diff_id}"
        )
    return layer


def _json(data: bytes, *, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise AnalysisError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise AnalysisError(f"{what} is not a JSON object")
    return value
