"""Remote digests from dockyard's registry client (HEAD on the manifest, auth handled there)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dockyard.registry import (
    CredentialStore,
    RegistryClient,
    parse_reference,
)
from dockyard.update._check import RemoteDigest

__all__ = ["RegistryDigestSource"]


class RegistryDigestSource:
    """A :class:`~dockyard.update.DigestSource` over one long-lived ``RegistryClient``, and the
    credentials the engine needs to pull from the same registries."""

    def __init__(
        self,
        *,
        environ: Mapping[str, str],
        timeout: float = 10.0,
        docker_config: Mapping[str, Any] | None = None,
    ) -> None:
        """Credentials from ``environ`` (the docker config it names, ``REPO_USER``...), or,
        given ``docker_config``, from that document only (a Kubernetes pull secret's)."""
        self._store = (
            CredentialStore(config=docker_config)
            if docker_config is not None
            else CredentialStore.from_environment(environ=environ)
        )
        self._client = RegistryClient(credentials=self._store, timeout=timeout)

    def remote_digest(self, ref: str) -> RemoteDigest:
        info = self._client.head_manifest(parse_reference(ref))
        limit = info.rate_limit
        return RemoteDigest(digest=info.digest, rate_limit=str(limit) if limit else None)

    def pull_auth(self, ref: str) -> Mapping[str, str] | None:
        """The engine's ``auth_config`` for pulling ``ref``, or None without credentials."""
        return self._store.engine_auth(ref)

    def close(self) -> None:
        self._client.close()
