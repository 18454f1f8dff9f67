"""The package's curated ``__all__`` is the API others build on: guard it."""

from __future__ import annotations

import dockyard.registry as registry

EXPECTED = {
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
}


def test_public_names_are_exactly_the_curated_ones() -> None:
    assert set(registry.__all__) == EXPECTED
    for name in registry.__all__:
        assert getattr(registry, name) is not None
    public = {n for n in vars(registry) if not n.startswith("_")}
    assert public - EXPECTED <= {"annotations"}
