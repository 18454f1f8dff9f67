"""The registry as the build pipeline needs it, on top of :class:`dockyard.registry.RegistryClient`.

Credentials come from the same :class:`CredentialStore` for both paths: the registry client uses
them for its own requests, and the engine gets them as ``auth_config`` (the ``X-Registry-Auth``
header) for the push itself.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping

from dockyard.errors import ManifestNotFound, RegistryUnavailable
from dockyard.registry import (
    CredentialStore,
    RegistryClient,
    parse_reference,
    to_docker_auth_config,
)

__all__ = ["BuildRegistry", "open_registry"]

_PROBE_TAG = "dockyard-access-check"


class BuildRegistry:
    """Implements :class:`dockyard.build.Registry` with the registry package."""

    def __init__(self, *, client: RegistryClient, credentials: CredentialStore) -> None:
        self._client = client
        self._credentials = credentials

    def check_push_access(self, repository: str) -> None:
        """Reachable, speaks the API, and accepts our credentials for this repository.

        ``/v2/`` answers reachability; asking for a tag of the repository makes the registry
        judge the credentials (a refused login raises AuthenticationError, an absent tag is fine).
        """
        reference = parse_reference(f"{repository}:{_PROBE_TAG}")
        self._client.ping(reference.registry)
        with contextlib.suppress(ManifestNotFound):
            self._client.head_manifest(reference)

    def auth_config(self, repository: str) -> dict[str, str] | None:
        creds = self._credentials.for_registry(parse_reference(repository).registry)
        return to_docker_auth_config(creds) if creds else None

    def digest(self, reference: str) -> str | None:
        try:
            return self._client.head_manifest(parse_reference(reference)).digest
        except ManifestNotFound:
            return None

    def image_size(self, reference: str) -> int:
        """Bytes the registry stores for the image: its config and compressed layers."""
        manifest = self._client.get_manifest(parse_reference(reference))
        config = manifest.config.size if manifest.config else 0
        return config + sum(layer.size for layer in manifest.layers)

    def config_labels(self, reference: str) -> dict[str, str] | None:
        """The labels of the image config ``reference`` points to; None when the tag is absent."""
        ref = parse_reference(reference)
        try:
            manifest = self._client.get_manifest(ref)
        except ManifestNotFound:
            return None
        if not manifest.config_digest:
            return None
        raw = self._client.get_blob_bytes(ref, manifest.config_digest)
        try:
            config = json.loads(raw)
        except ValueError as exc:
            raise RegistryUnavailable(f"the image config of {reference} is not JSON") from exc
        labels = (config.get("config") or {}).get("Labels") or {}
        return {str(k): str(v) for k, v in labels.items()}


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
