"""Build a Dockerfile and measure the image with dockyard's own image analysis.

Both Dockerfiles are sent in one context tar (under a hidden directory, so they never replace the
user's files) and built with BuildKit; sizes come from the layers themselves (the same figures
``dockyard inspect`` shows), and the base is the final stage's FROM image as the engine has it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from dockyard.build import needs_translation, translate_heredocs
from dockyard.dockerfile import parse
from dockyard.engine import BuildRequest, Engine, build_image, tag_image, write_context_tar
from dockyard.image import (
    LayerCache,
    align_history,
    analyse,
    count_base_layers,
    default_cache_dir,
    engine_diff_ids,
    load_from_engine,
)
from dockyard.optimize._model import Layer, Measurement

__all__ = ["DOCKERFILE_DIR", "build_variant", "final_base", "measure_image", "write_context"]

DOCKERFILE_DIR = ".dockyard-optimize"


def write_context(
    *, context_dir: Path, dockerfiles: dict[str, str], workdir: Path, heredocs: bool = True
) -> Path:
    """One context tar holding the user's files and every variant's Dockerfile.

    ``heredocs=False`` (an engine whose frontend predates them) sends each Dockerfile through
    ``dockyard build``'s heredoc translation, so the same files build on Engine 20.10.
    """
    tar_path = workdir / "context.tar"
    extras: dict[str, bytes] = {}
    for name, text in dockerfiles.items():
        sent = text
        if needs_translation(parse(text), frontend_has_heredocs=heredocs):
            translation = translate_heredocs(text)
            sent = translation.text
            extras.update(translation.files)
        extras[f"{DOCKERFILE_DIR}/{name}.Dockerfile"] = sent.encode()
    with tar_path.open("wb") as destination:
        write_context_tar(context_dir=context_dir, destination=destination, extra_files=extras)
    return tar_path


def build_variant(
    engine: Engine, *, context_tar: Path, name: str, tag: str, network_mode: str | None
) -> str:
    """Build variant ``name`` from the shared context; returns the image id."""
    request = BuildRequest(
        context_tar=context_tar,
        dockerfile=f"{DOCKERFILE_DIR}/{name}.Dockerfile",
        tags=(tag,),
        network_mode=network_mode,
    )
    built = build_image(engine, request=request)
    tag_image(engine, image_id=built.id, references=[tag])
    return built.id


def final_base(dockerfile: str) -> str | None:
    """The external image the final stage stands on (through stage names), None for scratch."""
    parsed = parse(dockerfile)
    stage = parsed.final_stage
    seen = 0
    while stage is not None and seen <= len(parsed.stages):
        base = stage.base_resolved or stage.base_image
        named = parsed.stage_named(base)
        if named is None:
            return None if base.lower() == "scratch" else base
        stage, seen = named, seen + 1
    return None


def measure_image(
    engine: Engine, *, ref: str, base: str | None, environ: dict[str, str]
) -> Measurement:
    cache = LayerCache(default_cache_dir(environ))
    data = load_from_engine(engine, ref=ref, cache=cache)
    analysis = analyse(data.layers)
    base_ids = engine_diff_ids(engine, ref=base) if base else None
    base_count = count_base_layers(data.diff_ids, base_ids) if base_ids else 0
    slots = align_history(data.history, len(analysis.layer_sizes))
    layers = tuple(
        Layer(
            created_by=slot.history.created_by,
            size_bytes=analysis.layer_sizes[slot.layer] if slot.layer is not None else 0,
            base=slot.layer is not None and slot.layer < base_count,
        )
        for slot in slots
    )
    return Measurement(
        image_id=data.image_id or ref,
        size_bytes=analysis.size_bytes,
        base_bytes=sum(analysis.layer_sizes[:base_count]),
        efficiency=analysis.efficiency,
        layers=layers,
    )


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="dockyard-optimize-")
