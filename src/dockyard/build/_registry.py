"""The registry as the build pipeline needs it, on top of :class:`dockyard.registry.RegistryClient`.

Credentials come from the same :class:`CredentialStore` for both paths: the registry client uses
them for its own requests, and the engine gets them as ``auth_config`` (the ``X-Registry-Auth``
header) for the push itself.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence

from dockyard.build._pipeline import ServedImage
from dockyard.errors import ManifestNotFound, RegistryUnavailable
from dockyard.registry import (
    CredentialStore,
    ImageReference,
    Manifest,
    RegistryClient,
    parse_reference,
)

__all__ = ["BuildRegistry", "open_registry"]

_MAX_PARALLEL = 8


class BuildRegistry:
    """Implements :class:`dockyard.build.Registry` with the registry package."""

    def __init__(self, *, client: RegistryClient, credentials: CredentialStore) -> None:
        self._client = client
        self._credentials = credentials

    def check_push_access(self, repository: str) -> None:
        """Reachable, speaks the API, and grants this login pull and push on the repository
        (see :meth:`RegistryClient.check_access` for what each kind of registry can prove)."""
        self._client.check_access(parse_reference(repository), actions=("pull", "push"))

    def auth_config(self, repository: str) -> dict[str, str] | None:
        return self._credentials.engine_auth(repository)

    def digests(self, references: Sequence[str]) -> dict[str, str | None]:
        """What each reference serves now (None: absent); the HEADs go out in parallel."""
        if len(references) <= 1:
            return {reference: self._digest(reference) for reference in references}
        workers = min(_MAX_PARALLEL, len(references))
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(zip(references, pool.map(self._digest, references), strict=True))

    def served_image(self, reference: str) -> ServedImage | None:
        """Digest, labels and stored size of what ``reference`` serves: one manifest GET and
        one config blob, instead of a HEAD, a GET and a second GET for the size."""
        ref = parse_reference(reference)
        found = self._top_and_image_manifest(ref)
        if found is None:
            return None
        top, manifest = found
        if not manifest.config_digest:
            return None
        raw = self._client.get_blob_bytes(ref, manifest.config_digest)
        try:
            config = json.loads(raw)
        except ValueError as exc:
            raise RegistryUnavailable(f"the image config of {reference} is not JSON") from exc
        labels = (config.get("config") or {}).get("Labels") or {}
        return ServedImage(
            digest=top.digest,
            labels={str(k): str(v) for k, v in labels.items()},
            size_bytes=_stored_size(manifest),
        )

    def point_tags(self, repository: str, *, digest: str, tags: Sequence[str]) -> None:
        """Store the manifest ``digest`` names under every tag, byte for byte."""
        source = parse_reference(f"{repository}@{digest}")
        manifest = self._client.get_index(source)
        for tag in tags:
            target = parse_reference(f"{repository}:{tag}")
            self._client.put_manifest(target, raw=manifest.raw, media_type=manifest.media_type)

    def stored(self, reference: str) -> tuple[str, int] | None:
        """The digest ``reference`` serves and the bytes the registry stores for that image
        (config and compressed layers), from one manifest GET; None when it is absent."""
        found = self._top_and_image_manifest(parse_reference(reference))
        if found is None:
            return None
        top, manifest = found
        return top.digest, _stored_size(manifest)

    def _top_and_image_manifest(self, ref: ImageReference) -> tuple[Manifest, Manifest] | None:
        """What ``ref`` serves (maybe an index) and the image manifest for this platform;
        None when the registry has no such tag."""
        try:
            top = self._client.get_index(ref)
        except ManifestNotFound:
            return None
        manifest = self._client.get_manifest(ref.with_digest(top.digest)) if top.is_index else top
        return top, manifest

    def _digest(self, reference: str) -> str | None:
        try:
            return self._client.head_manifest(parse_reference(reference)).digest
        except ManifestNotFound:
            return None


def _stored_size(manifest: Manifest) -> int:
    config = manifest.config.size if manifest.config else 0
    return config + sum(layer.size for layer in manifest.layers)


@contextlib.contextmanager
def open_registry(
    *, environ: Mapping[str, str], needed: bool = True
) -> Iterator[BuildRegistry | None]:
    """A registry client for the build, or None when nothing is pushed (no client to set up)."""
    if not needed:
        yield None
        return
    credentials = CredentialStore.from_environment(environ=environ)
    with RegistryClient(credentials=credentials) as client:
        yield BuildRegistry(client=client, credentials=credentials)
