"""What the registry client hands back: manifests, their descriptors and HEAD answers.

Plain frozen dataclasses: the JSON stays available as ``data``/``raw`` for callers that need a
field not modelled here, and the digest-verified ``raw`` bytes are what digests are computed on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dockyard.registry._platform import Platform
from dockyard.registry._ratelimit import RateLimit

if TYPE_CHECKING:
    from dockyard.registry._wire import DescriptorJSON

__all__ = [
    "DOCKER_MANIFEST_LIST",
    "DOCKER_MANIFEST_V2",
    "INDEX_MEDIA_TYPES",
    "MANIFEST_ACCEPT",
    "OCI_INDEX",
    "OCI_MANIFEST",
    "Descriptor",
    "Manifest",
    "ManifestInfo",
]

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
INDEX_MEDIA_TYPES = frozenset({OCI_INDEX, DOCKER_MANIFEST_LIST})
# Without an Accept for each, a registry may convert (or refuse) what it stores.
MANIFEST_ACCEPT = ", ".join((OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_V2))


@dataclass(frozen=True, slots=True)
class Descriptor:
    """A pointer to content by digest: a layer, a config, or a manifest inside an index."""

    media_type: str
    digest: str
    size: int
    platform: Platform | None = None
    urls: tuple[str, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, wire: DescriptorJSON) -> Descriptor:
        platform = wire.platform
        return cls(
            media_type=wire.media_type,
            digest=wire.digest,
            size=wire.size,
            platform=(
                Platform(
                    os=platform.os, architecture=platform.architecture, variant=platform.variant
                )
                if platform
                else None
            ),
            urls=tuple(wire.urls),
            annotations=dict(wire.annotations),
        )


@dataclass(frozen=True, slots=True)
class ManifestInfo:
    """A HEAD answer: what a tag points to now, without downloading the manifest."""

    digest: str
    media_type: str
    size: int
    rate_limit: RateLimit | None = None

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_MEDIA_TYPES


@dataclass(frozen=True, slots=True)
class Manifest:
    """A digest-verified manifest (or index, see :attr:`is_index`).

    ``digest`` is the digest of ``raw``. When an index was resolved to one platform, ``digest`` is
    the platform manifest's and ``index_digest`` the index's (what the tag points to).
    """

    digest: str
    media_type: str
    raw: bytes
    data: dict[str, Any]
    config_digest: str | None = None
    layers: list[Descriptor] = field(default_factory=list)
    manifests: list[Descriptor] = field(default_factory=list)
    config: Descriptor | None = None
    index_digest: str | None = None
    platform: Platform | None = None

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_MEDIA_TYPES

    @property
    def size(self) -> int:
        return len(self.raw)
