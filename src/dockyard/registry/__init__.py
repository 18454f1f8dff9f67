"""dockyard.registry: an OCI distribution client (references, credentials, auth, manifests, blobs).

Everything dockyard asks of a registry goes through :class:`RegistryClient`; nothing else in
dockyard speaks the registry's HTTP API. Content is verified against its digest before it is
returned, and secrets stay in :class:`~dockyard.secrets.Secret` until they go on the wire.
Credential precedence is documented in :mod:`dockyard.registry._credentials`.
"""

from dockyard.registry._challenge import Challenge, parse_challenges
from dockyard.registry._client import RegistryClient
from dockyard.registry._credentials import (
    DOCKER_HUB_SERVER,
    Credentials,
    CredentialStore,
    to_docker_auth_config,
)
from dockyard.registry._digest import DigestVerifier, compute_digest, verify_digest
from dockyard.registry._model import (
    DOCKER_MANIFEST_LIST,
    DOCKER_MANIFEST_V2,
    MANIFEST_ACCEPT,
    OCI_INDEX,
    OCI_MANIFEST,
    Descriptor,
    Manifest,
    ManifestInfo,
)
from dockyard.registry._platform import Platform
from dockyard.registry._ratelimit import RateLimit, parse_rate_limit
from dockyard.registry._reference import (
    DOCKER_HUB,
    DOCKER_HUB_API_HOST,
    ImageReference,
    parse_reference,
)

__all__ = [
    "DOCKER_HUB",
    "DOCKER_HUB_API_HOST",
    "DOCKER_HUB_SERVER",
    "DOCKER_MANIFEST_LIST",
    "DOCKER_MANIFEST_V2",
    "MANIFEST_ACCEPT",
    "OCI_INDEX",
    "OCI_MANIFEST",
    "Challenge",
    "CredentialStore",
    "Credentials",
    "Descriptor",
    "DigestVerifier",
    "ImageReference",
    "Manifest",
    "ManifestInfo",
    "Platform",
    "RateLimit",
    "RegistryClient",
    "compute_digest",
    "parse_challenges",
    "parse_rate_limit",
    "parse_reference",
    "to_docker_auth_config",
    "verify_digest",
]
