"""Reading registry answers: manifests and indexes, tag lists, challenges, pagination.

Pure functions over bytes and headers, apart from the client's I/O, so every malformed answer
becomes one :class:`RegistryUnavailable` line here and the client stays about the protocol.
"""

from __future__ import annotations

import json
from dataclasses import replace

import httpx

from dockyard.errors import ManifestNotFound, RegistryUnavailable
from dockyard.registry._challenge import Challenge, parse_challenges
from dockyard.registry._model import INDEX_MEDIA_TYPES, OCI_INDEX, Descriptor, Manifest
from dockyard.registry._platform import Platform
from dockyard.registry._reference import ImageReference

__all__ = [
    "choose_entry",
    "media_type_of",
    "next_page",
    "parse_manifest",
    "pick_challenge",
    "tags_of",
    "with_origin",
]


def pick_challenge(response: httpx.Response) -> Challenge | None:
    """The challenge to answer: bearer if offered (stronger), else basic, else None."""
    challenges: list[Challenge] = []
    for value in response.headers.get_list("www-authenticate"):
        challenges.extend(parse_challenges(value))
    for scheme in ("bearer", "basic"):
        for challenge in challenges:
            if challenge.scheme == scheme:
                return challenge
    return challenges[0] if challenges else None


def next_page(response: httpx.Response) -> str | None:
    """The path of the next page from a ``Link: <...>; rel="next"`` header, if any."""
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    return httpx.URL(link).raw_path.decode("ascii")


def tags_of(body: bytes, *, ref: ImageReference) -> list[str]:
    from dockyard.registry._wire import TagListJSON, ValidationError, first_problem

    try:
        listing = TagListJSON.model_validate_json(body)
    except ValidationError as exc:
        raise RegistryUnavailable(
            f"registry {ref.registry} answered garbage for the tags of {ref.name}: "
            f"{first_problem(exc)}"
        ) from exc
    return list(listing.tags or [])


def media_type_of(response: httpx.Response) -> str:
    value: str = response.headers.get("content-type", "")
    return value.split(";", 1)[0].strip()


def parse_manifest(raw: bytes, *, digest: str, header_type: str, ref: ImageReference) -> Manifest:
    """A verified manifest's bytes as a :class:`Manifest`; garbage is RegistryUnavailable.

    The wire models (pydantic) load on the first manifest read: checking digests with HEAD
    requests, as `watch` does, never needs them."""
    from dockyard.registry._wire import ManifestJSON, ValidationError, first_problem

    try:
        wire = ManifestJSON.model_validate_json(raw)
        data = json.loads(raw)
    except ValidationError as exc:
        raise RegistryUnavailable(
            f"registry {ref.registry} answered garbage for manifest {ref}: {first_problem(exc)}"
        ) from exc
    media_type = wire.media_type or header_type
    if media_type not in INDEX_MEDIA_TYPES and wire.manifests and wire.config is None:
        media_type = OCI_INDEX
    config = Descriptor.from_wire(wire.config) if wire.config else None
    return Manifest(
        digest=digest,
        media_type=media_type,
        raw=raw,
        data=data,
        config_digest=config.digest if config else None,
        layers=[Descriptor.from_wire(d) for d in wire.layers],
        manifests=[Descriptor.from_wire(d) for d in wire.manifests],
        config=config,
    )


def choose_entry(index: Manifest, *, wanted: Platform, ref: ImageReference) -> Descriptor:
    for entry in index.manifests:
        if entry.platform is not None and wanted.matches(entry.platform):
            return entry
    offered = sorted({str(e.platform) for e in index.manifests if e.platform is not None})
    raise ManifestNotFound(
        f"{ref} has no image for platform {wanted} (it has: {', '.join(offered) or 'none'})"
    )


def with_origin(manifest: Manifest, *, index_digest: str, platform: Platform | None) -> Manifest:
    return replace(manifest, index_digest=index_digest, platform=platform)
