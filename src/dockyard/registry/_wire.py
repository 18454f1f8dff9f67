"""The JSON a registry sends, validated with pydantic at the boundary.

Manifests, indexes and tag lists are checked field by field here (a digest is ``alg:encoded``,
a size is a non-negative integer, a platform has ``os`` and ``architecture``), so a registry or
proxy that answers something else fails with one line saying which field was wrong, instead of a
``KeyError`` deep inside a caller. Unknown fields are kept in the raw JSON, not modelled.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "DescriptorJSON",
    "ManifestJSON",
    "PlatformJSON",
    "TagListJSON",
    "ValidationError",
    "first_problem",
]

# The OCI image spec's digest grammar.
_DIGEST = r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class PlatformJSON(_Wire):
    os: str
    architecture: str
    variant: str | None = None


class DescriptorJSON(_Wire):
    media_type: str = Field(default="", alias="mediaType")
    digest: Annotated[str, Field(pattern=_DIGEST)]
    size: Annotated[int, Field(ge=0)] = 0
    platform: PlatformJSON | None = None
    urls: list[str] = Field(default_factory=list)
    annotations: dict[str, str] = Field(default_factory=dict)


class ManifestJSON(_Wire):
    """An image manifest or an index (Docker's v2 schema 2 and OCI's have the same shape)."""

    schema_version: int | None = Field(default=None, alias="schemaVersion")
    media_type: str | None = Field(default=None, alias="mediaType")
    config: DescriptorJSON | None = None
    layers: list[DescriptorJSON] = Field(default_factory=list)
    manifests: list[DescriptorJSON] = Field(default_factory=list)


class TagListJSON(_Wire):
    name: str | None = None
    tags: list[str] | None = None


def first_problem(exc: ValidationError) -> str:
    """``layers.0.digest: String should match pattern ...`` for the first error only."""
    errors = exc.errors(include_url=False)
    if not errors:
        return "invalid JSON"
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "document"
    return f"{where}: {first['msg']}"
