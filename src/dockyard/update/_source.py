"""Remote digests from dockyard's registry client (HEAD on the manifest, auth handled there)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dockyard.update._check import RemoteDigest

__all__ = ["RegistryDigestSource"]


class RegistryDigestSource:
    """A :class:`~dockyard.update.DigestSource` over one long-lived ``RegistryClient``."""

    def __init__(self, *, environ: Mapping[str, str], timeout: float = 10.0) -> None:
        from dockyard.registry import CredentialStore, RegistryClient

        self._store = CredentialStore.from_environment(environ=environ)
        self._client = RegistryClient(credentials=self._store, timeout=timeout)

    def remote_digest(self, ref: str) -> RemoteDigest:
        from dockyard.registry import parse_reference

        info = self._client.head_manifest(parse_reference(ref))
        limit: Any = getattr(info, "rate_limit", None)
        return RemoteDigest(digest=str(info.digest), rate_limit=str(limit) if limit else None)

    def close(self) -> None:
        self._client.close()
