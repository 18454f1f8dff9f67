"""``docker save`` and OCI-layout tars, read in one pass from a stream, checked against digests.

The outer tar is read with ``tarfile`` in stream mode; each member that is a layer (plain tar or
gzip, recognised by its first bytes, whatever its name) is parsed on the fly and hashed. Which
layer is which comes from ``manifest.json`` (docker save) or ``index.json`` (OCI layout), usually
at the end, so layers are held as compact entry lists until then. Every layer's uncompressed
sha256 must equal the config's ``diff_ids`` entry at its position, every ``blobs/sha256/<hex>``
member must hash to ``<hex>``, and a ``<hex>.json`` config to ``<hex>``: anything else raises
:class:`~dockyard.errors.DigestMismatch`.
"""

from __future__ import annotations

import json
import posixpath
import tarfile
from dataclasses import dataclass, field
from typing import IO, Any

from dockyard.errors import AnalysisError, DigestMismatch
from dockyard.image._model import ImageData, LayerFiles
from dockyard.image._tarscan import (
    GunzipReader,
    HashingReader,
    PrefixedReader,
    ZstdReader,
    read_layer_tar,
    sniff_kind,
)

__all__ = ["read_archive"]

_CHUNK = 1 << 20
_MAX_JSON = 64 << 20


@dataclass
class _Layer:
    files: LayerFiles
    diff_id: str  # sha256 of the uncompressed tar
    blob_digest: str  # sha256 of the member as stored
    blob_size: int


@dataclass
class _Members:
    layers: dict[str, _Layer] = field(default_factory=dict)
    documents: dict[str, bytes] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)

    def resolve(self, name: str) -> str:
        seen = 0
        while name in self.links and seen < 16:
            name, seen = self.links[name], seen + 1
        return name


def read_archive(stream: IO[bytes], *, name: str) -> ImageData:
    """Read an image archive from ``stream``; ``name`` is how the user called it."""
    members = _scan(stream, what=name)
    try:
        config_name, layer_names = _locate(members, what=name)
    except (KeyError, TypeError, IndexError) as exc:
        raise AnalysisError(f"{name}: the archive's index is malformed ({exc!r})") from exc
    config_bytes = members.documents.get(members.resolve(config_name))
    if config_bytes is None:
        raise AnalysisError(f"{name}: the archive has no image config {config_name}")
    _check_named_digest(config_name, config_bytes, members, what=name)
    config = _load_json(config_bytes, what=f"{name}: {config_name}")
    diff_ids = list(config.get("rootfs", {}).get("diff_ids", []))
    if len(diff_ids) != len(layer_names):
        raise AnalysisError(
            f"{name}: the config lists {len(diff_ids)} layers, the manifest {len(layer_names)}"
        )
    layers: list[_Layer] = []
    for position, (layer_name, diff_id) in enumerate(zip(layer_names, diff_ids, strict=True)):
        layer = members.layers.get(members.resolve(layer_name))
        if layer is None:
            raise AnalysisError(f"{name}: layer {layer_name} is missing from the archive")
        if layer_name.startswith("blobs/"):
            _check_named_digest(layer_name, b"", members, what=name)
        if layer.diff_id != diff_id:
            raise DigestMismatch(
                f"{name}: layer {position} ({layer_name}) has content {layer.diff_id}, "
                f"the config's diff_id is {diff_id}"
            )
        layers.append(layer)
    return ImageData(
        name=name,
        source="archive",
        config=config,
        diff_ids=diff_ids,
        layers=[layer.files for layer in layers],
        layer_digests=[layer.blob_digest for layer in layers],
        compressed_sizes=(
            [layer.blob_size for layer in layers]
            if any(layer.blob_digest != layer.diff_id for layer in layers)
            else []
        ),
        reader="archive tar, streamed",
        verified="every layer's sha256 against the config's diff_ids; blobs against their names",
    )


def _scan(stream: IO[bytes], *, what: str) -> _Members:
    members = _Members()
    try:
        with tarfile.open(fileobj=stream, mode="r|", bufsize=_CHUNK) as archive:
            for member in archive:
                path = posixpath.normpath(member.name)
                if member.issym() or member.islnk():
                    base = posixpath.dirname(path) if member.issym() else ""
                    members.links[path] = posixpath.normpath(posixpath.join(base, member.linkname))
                elif member.isfile():
                    raw = archive.extractfile(member)
                    if raw is not None:
                        _read_member(path, raw, members, what=what)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise AnalysisError(f"{what} is not a readable image archive: {exc}") from exc
    return members


def _read_member(path: str, raw: IO[bytes], members: _Members, *, what: str) -> None:
    head = raw.read(512)
    outer = HashingReader(PrefixedReader(head, raw))
    kind = sniff_kind(head)
    if kind == "other" and (path.endswith(".tar") or (len(head) == 512 and not head.strip(b"\0"))):
        kind = "tar"  # an empty layer is 1024 zero bytes, without a ustar header
    if kind == "tar":
        files = read_layer_tar(outer, what=f"{what}: {path}")
        outer.drain()
        members.layers[path] = _Layer(files, outer.digest, outer.digest, outer.count)
    elif kind in ("gzip", "zstd"):
        inner = HashingReader(GunzipReader(outer) if kind == "gzip" else ZstdReader(outer))
        files = read_layer_tar(inner, what=f"{what}: {path}")
        inner.drain()
        outer.drain()
        members.layers[path] = _Layer(files, inner.digest, outer.digest, outer.count)
    else:
        data = outer.read(_MAX_JSON)
        outer.drain()
        if data[:1] in (b"{", b"["):
            members.documents[path] = data
    members.digests[path] = outer.digest


def _locate(members: _Members, *, what: str) -> tuple[str, list[str]]:
    """The config member and the layer members in order, from docker's or OCI's index."""
    manifest = members.documents.get("manifest.json")
    if manifest is not None:
        entries = _load_json_list(manifest, what=f"{what}: manifest.json")
        first = entries[0]
        return str(first["Config"]), [str(layer) for layer in first["Layers"]]
    index = members.documents.get("index.json")
    if index is None:
        raise AnalysisError(f"{what}: neither manifest.json nor index.json: not an image archive")
    document = _load_json(index, what=f"{what}: index.json")
    for _ in range(4):  # an index may point at another index
        descriptors = document.get("manifests") or []
        if not descriptors:
            raise AnalysisError(f"{what}: index.json lists no manifest")
        blob = _blob_path(str(descriptors[0]["digest"]))
        data = members.documents.get(members.resolve(blob))
        if data is None:
            raise AnalysisError(f"{what}: manifest {blob} is missing from the archive")
        _check_named_digest(blob, data, members, what=what)
        document = _load_json(data, what=f"{what}: {blob}")
        if "config" in document:
            layers = [_blob_path(str(d["digest"])) for d in document.get("layers", [])]
            return _blob_path(str(document["config"]["digest"])), layers
    raise AnalysisError(f"{what}: index.json nests too deep")


def _blob_path(digest: str) -> str:
    algorithm, _, hex_digest = digest.partition(":")
    return f"blobs/{algorithm}/{hex_digest}"


def _check_named_digest(path: str, _data: bytes, members: _Members, *, what: str) -> None:
    """``blobs/sha256/<hex>`` and ``<hex>.json`` members are named after their own sha256."""
    stem = posixpath.basename(path).removesuffix(".json")
    if path.startswith("blobs/sha256/") or (len(stem) == 64 and path.endswith(".json")):
        actual = members.digests.get(members.resolve(path), "")
        if actual != f"sha256:{stem}":
            raise DigestMismatch(f"{what}: {path} hashes to {actual}, not sha256:{stem}")


def _load_json(data: bytes, *, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise AnalysisError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise AnalysisError(f"{what} is not a JSON object")
    return value


def _load_json_list(data: bytes, *, what: str) -> list[dict[str, Any]]:
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise AnalysisError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(value, list) or not value or not isinstance(value[0], dict):
        raise AnalysisError(f"{what} lists no image")
    return value
