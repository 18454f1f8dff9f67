"""Digest verification: sha256 and sha512, whole or streamed; anything else is refused."""

from __future__ import annotations

import hashlib

import pytest

from dockyard.errors import DigestMismatch
from dockyard.registry import DigestVerifier, compute_digest, verify_digest

DATA = b"layer bytes" * 1000


def test_sha256_and_sha512_verify() -> None:
    sha256 = "sha256:" + hashlib.sha256(DATA).hexdigest()
    sha512 = "sha512:" + hashlib.sha512(DATA).hexdigest()
    assert compute_digest(DATA) == sha256
    assert compute_digest(DATA, algorithm="sha512") == sha512
    verify_digest(DATA, expected=sha256, what="blob")
    verify_digest(DATA, expected=sha512, what="blob")


def test_mismatch_names_what_expected_and_got() -> None:
    expected = compute_digest(b"other")
    with pytest.raises(DigestMismatch) as caught:
        verify_digest(DATA, expected=expected, what="blob X of repo")
    message = str(caught.value)
    assert message.startswith("blob X of repo: content does not match its digest")
    assert expected in message
    assert compute_digest(DATA) in message
    assert caught.value.exit_code == 7


def test_streamed_verification_equals_whole() -> None:
    verifier = DigestVerifier(expected=compute_digest(DATA, algorithm="sha512"), what="blob")
    for start in range(0, len(DATA), 777):
        verifier.update(DATA[start : start + 777])
    verifier.verify()
    assert verifier.size == len(DATA)


@pytest.mark.parametrize(
    "digest", ["md5:" + "a" * 32, "sha256:abc", "sha256", "sha512:" + "a" * 64]
)
def test_unverifiable_digest_is_refused(digest: str) -> None:
    with pytest.raises(DigestMismatch, match="only sha256 and sha512"):
        verify_digest(DATA, expected=digest, what="blob")
