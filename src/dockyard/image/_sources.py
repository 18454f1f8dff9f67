"""Where an image comes from: the engine, a registry or an archive, each turned into ImageData.

The engine path prefers the local layer store (classic store: tar-split metadata, see
:mod:`dockyard.engine._images`; containerd store: the unpacked snapshots, see
:mod:`dockyard.engine._containerd`) and falls back to streaming ``docker save`` through the API;
layers are read in parallel threads (gzip and file reads release the GIL). The source is guessed
when not given: an existing path is an archive, an image the engine has comes from the engine,
anything else from a registry.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from dockyard.engine import (
    Engine,
    ImageInspect,
    find_base_image,
    inspect_image,
    local_containerd_store,
    local_layer_store,
    stream_saved_image,
)
from dockyard.errors import (
    AnalysisError,
    EngineError,
    ImageNotFound,
    ManifestNotFound,
    RegistryUnavailable,
    UsageError,
)
from dockyard.image._archive import read_archive
from dockyard.image._cache import LayerCache
from dockyard.image._model import ImageData, LayerFiles
from dockyard.image._snapshot import read_snapshot_dir
from dockyard.image._tarscan import ChunkReader, read_tar_headers
from dockyard.image._tarsplit import read_tar_split

__all__ = [
    "SOURCES",
    "engine_diff_ids",
    "guess_base_image",
    "guess_source",
    "load_from_archive",
    "load_from_engine",
    "load_image",
]

SOURCES = ("engine", "registry", "archive")
_WORKERS = 2


def guess_source(ref: str, *, engine: Engine) -> str:
    """An existing path is an archive; an image the engine has comes from it; else a registry."""
    return _guess(ref, engine=engine)[0]


def _guess(ref: str, *, engine: Engine) -> tuple[str, str]:
    """The source, and where else was looked (for the error when the registry fails too)."""
    if Path(ref).exists():
        return "archive", ""
    try:
        known = inspect_image(engine, ref=ref) is not None
    except EngineError:  # no engine here, or it refused: a registry may still answer
        return "registry", "not a file, the engine could not be asked"
    return ("engine", "") if known else ("registry", "not a file, not in the engine")


def load_from_archive(path: Path) -> ImageData:
    if not path.is_file():
        raise UsageError(f"{path}: no such archive file")
    with path.open("rb") as stream:
        return read_archive(stream, name=str(path))


def load_from_engine(engine: Engine, *, ref: str, cache: LayerCache) -> ImageData:
    image = inspect_image(engine, ref=ref)
    if image is None:
        raise ImageNotFound(f"no image {ref} in the engine; pull or build it, or use --source")
    store = local_layer_store(engine)
    if store is not None:
        try:
            stored = store.read(image_id=image.id, diff_ids=image.diff_ids)
        except OSError:
            stored = None
        if stored is not None:
            layers = _in_order(
                [
                    _cached(cache, diff_id, functools.partial(_tar_split, path))
                    for diff_id, path in zip(stored.diff_ids, stored.tar_splits, strict=True)
                ]
            )
            return ImageData(
                name=ref,
                source="engine",
                config=_json(stored.config, what=f"config of {ref}"),
                diff_ids=stored.diff_ids,
                layers=layers,
                image_id=stored.image_id,
                reader="engine layer store (tar-split metadata)",
                verified="config sha256 equals the image id; each layer's chain id and diff id",
            )
    from_snapshots = _from_containerd_store(engine, ref=ref, image=image, cache=cache)
    if from_snapshots is not None:
        return from_snapshots
    data = read_archive(ChunkReader(stream_saved_image(engine, ref=ref)), name=ref)  # type: ignore[arg-type]
    data.source = "engine"
    data.image_id = image.id
    data.reader = "engine API (docker save, streamed)"
    return data


def _from_containerd_store(
    engine: Engine, *, ref: str, image: ImageInspect, cache: LayerCache
) -> ImageData | None:
    """The image read from the containerd store's snapshots, or None when it cannot be."""
    store = local_containerd_store(engine)
    if store is None:
        return None
    stored = store.read(image_id=image.id, platform=image.platform)
    if stored is None:
        return None
    layers = _in_order(
        [
            _cached(
                cache,
                diff_id,
                functools.partial(read_tar_headers, tar)
                if tar is not None
                else functools.partial(read_snapshot_dir, path),
            )
            for diff_id, path, tar in zip(
                stored.diff_ids, stored.layer_dirs, stored.layer_tars, strict=True
            )
        ]
    )
    return ImageData(
        name=ref,
        source="engine",
        config=_json(stored.config, what=f"config of {ref}"),
        diff_ids=stored.diff_ids,
        layers=layers,
        layer_digests=stored.layer_digests,
        compressed_sizes=stored.layer_sizes if stored.layer_digests != stored.diff_ids else [],
        image_id=stored.image_id,
        reader="containerd image store (unpacked snapshots)",
        verified=(
            "manifest and config sha256 equal their digests; each layer blob records its diff id;"
            " each snapshot found by its chain id"
        ),
    )


def _tar_split(path: Path) -> LayerFiles:
    with path.open("rb") as stream:
        return read_tar_split(stream, what=str(path))


def _cached(
    cache: LayerCache, key: str, load: Callable[[], LayerFiles]
) -> Callable[[], LayerFiles]:
    def run() -> LayerFiles:
        found = cache.get(key)
        if found is not None:
            return found
        layer = load()
        cache.put(key, layer)
        return layer

    return run


def _in_order(jobs: list[Callable[[], LayerFiles]]) -> Iterator[LayerFiles]:
    """Layers in order, read at most ``_WORKERS`` ahead: the analysis consumes each one and drops
    it, so memory holds a couple of layers' entries, never the whole image's."""
    with ThreadPoolExecutor(max_workers=min(_WORKERS, os.cpu_count() or 1)) as pool:
        pending: deque[Future[LayerFiles]] = deque()
        queue = iter(jobs)
        for job in itertools.islice(queue, _WORKERS):
            pending.append(pool.submit(job))
        while pending:
            future = pending.popleft()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(following))
            yield future.result()


def _json(data: bytes, *, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise AnalysisError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise AnalysisError(f"{what} is not a JSON object")
    return value


def load_image(
    ref: str,
    *,
    source: str | None,
    engine: Engine,
    cache: LayerCache,
    platform: str | None = None,
    environ: dict[str, str] | None = None,
) -> ImageData:
    """Read ``ref`` from ``source`` (guessed when None) into :class:`ImageData`."""
    chosen, looked = (source, "") if source else _guess(ref, engine=engine)
    if looked:
        return _from_registry_as_a_guess(
            ref, looked=looked, cache=cache, platform=platform, environ=environ
        )
    if chosen == "archive":
        return load_from_archive(Path(ref))
    if chosen == "engine":
        return load_from_engine(engine, ref=ref, cache=cache)
    if chosen == "registry":
        from dockyard.image._registry import load_from_registry

        return load_from_registry(ref, platform=platform, environ=environ or {}, cache=cache)
    raise UsageError(f"unknown source {chosen!r}; use one of {', '.join(SOURCES)}")


def _from_registry_as_a_guess(
    ref: str,
    *,
    looked: str,
    cache: LayerCache,
    platform: str | None,
    environ: dict[str, str] | None,
) -> ImageData:
    """A registry was only the last guess: when it fails too, say where else was looked."""
    from dockyard.image._registry import load_from_registry

    try:
        return load_from_registry(ref, platform=platform, environ=environ or {}, cache=cache)
    except (RegistryUnavailable, ManifestNotFound, UsageError) as exc:
        raise type(exc)(f"{ref}: {looked}, and {exc}") from exc


def engine_diff_ids(engine: Engine, *, ref: str) -> list[str] | None:
    """The layer diff ids of an image the engine has (a base image), or None."""
    image = inspect_image(engine, ref=ref)
    return image.diff_ids if image is not None else None


def guess_base_image(engine: Engine, *, diff_ids: list[str]) -> tuple[str, list[str]] | None:
    """(name, diff ids) of the engine's tagged image whose layers start this one's, or None."""
    try:
        return find_base_image(engine, diff_ids=diff_ids)
    except EngineError:
        return None
