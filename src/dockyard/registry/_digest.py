"""Content digests: what proves that bytes from a registry are the bytes that were named.

A digest is ``algorithm:hex``; OCI allows sha256 (the default) and sha512. Anything else cannot be
verified, and unverifiable content is refused rather than trusted.
"""

from __future__ import annotations

import hashlib

from dockyard.errors import DigestMismatch

__all__ = ["DigestVerifier", "compute_digest", "verify_digest"]

_ALGORITHMS = {"sha256": 64, "sha512": 128}


def _hasher(digest: str) -> hashlib._Hash:
    algorithm, _, hex_part = digest.partition(":")
    length = _ALGORITHMS.get(algorithm)
    if length is None or len(hex_part) != length:
        raise DigestMismatch(
            f"cannot verify digest {digest!r}: only sha256 and sha512 digests are supported"
        )
    return hashlib.new(algorithm)


def compute_digest(data: bytes, *, algorithm: str = "sha256") -> str:
    """The digest of ``data`` in the registry's ``algorithm:hex`` form."""
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"unsupported digest algorithm {algorithm!r}")
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


def verify_digest(data: bytes, *, expected: str, what: str) -> None:
    """Raise :class:`DigestMismatch` unless ``data`` hashes to ``expected``."""
    verifier = DigestVerifier(expected=expected, what=what)
    verifier.update(data)
    verifier.verify()


class DigestVerifier:
    """Hash a stream as it passes, so a layer is verified without being held in memory."""

    def __init__(self, *, expected: str, what: str) -> None:
        self.expected = expected
        self._what = what
        self._hash = _hasher(expected)
        self._algorithm = expected.partition(":")[0]
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self.size += len(chunk)

    @property
    def actual(self) -> str:
        return f"{self._algorithm}:{self._hash.hexdigest()}"

    def verify(self) -> None:
        if self.actual != self.expected:
            raise DigestMismatch(
                f"{self._what}: content does not match its digest "
                f"(expected {self.expected}, got {self.actual} over {self.size} bytes)"
            )
