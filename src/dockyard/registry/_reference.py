"""Image references, normalised exactly as docker does, so ``nginx`` here is ``nginx`` there.

The grammar is the one of the distribution project's ``reference`` package: an optional domain
(the first path component when it contains ``.`` or ``:`` or is ``localhost``), lowercase path
components, an optional ``:tag`` and an optional ``@algorithm:hex`` digest. Without a domain the
image lives on Docker Hub (``docker.io``) and a one-component name gets the ``library/`` prefix.
Without tag and digest the tag is ``latest``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from dockyard.errors import UsageError

__all__ = ["DOCKER_HUB", "DOCKER_HUB_API_HOST", "ImageReference", "parse_reference"]

DOCKER_HUB = "docker.io"
DOCKER_HUB_API_HOST = "registry-1.docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_MAX_NAME = 255

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_PATH = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_DOMAIN_RE = re.compile(_DOMAIN)
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_HEX_LENGTH = {"sha256": 64, "sha512": 128}
_ID_ONLY = re.compile(r"[a-f0-9]{64}")
_LOOPBACK = re.compile(r"^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$")


@dataclass(frozen=True, slots=True)
class ImageReference:
    """A normalised image reference; ``str()`` gives the canonical, fully qualified form."""

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def api_host(self) -> str:
        """Where the registry's HTTP API answers (Docker Hub's is not ``docker.io``)."""
        return DOCKER_HUB_API_HOST if self.registry == DOCKER_HUB else self.registry

    @property
    def name(self) -> str:
        """Registry and repository, without tag or digest: ``docker.io/library/nginx``."""
        return f"{self.registry}/{self.repository}"

    @property
    def reference(self) -> str:
        """What goes after ``/manifests/``: the digest when pinned, else the tag."""
        return self.digest or self.tag or "latest"

    @property
    def familiar(self) -> str:
        """The short form docker prints: ``nginx:latest``, ``me/app:1``, ``host:5000/x:1``."""
        name = self.name
        if self.registry == DOCKER_HUB:
            name = self.repository.removeprefix("library/")
        return name + self._suffix()

    @property
    def is_loopback(self) -> bool:
        """Loopback registries speak plain http, as docker allows for them."""
        return bool(_LOOPBACK.match(self.registry))

    def with_tag(self, tag: str) -> ImageReference:
        """The same repository at another tag (any digest is dropped: it pinned the old one)."""
        if not _TAG.fullmatch(tag):
            raise UsageError(f"invalid tag {tag!r}: use letters, digits, '_', '.', '-' (max 128)")
        return replace(self, tag=tag, digest=None)

    def with_digest(self, digest: str) -> ImageReference:
        """The same repository pinned to ``digest`` (the tag is kept, as docker keeps it)."""
        return replace(self, digest=_checked_digest(digest))

    def _suffix(self) -> str:
        text = f":{self.tag}" if self.tag else ""
        return text + (f"@{self.digest}" if self.digest else "")

    def __str__(self) -> str:
        return self.name + self._suffix()


def parse_reference(text: str) -> ImageReference:
    """Parse and normalise ``text`` as docker does; a bad reference is a :class:`UsageError`."""
    if not text.strip():
        raise UsageError("invalid image reference '': no repository name")
    remainder, digest = _split_digest(text.strip(), original=text)
    remainder, tag = _split_tag(remainder, original=text)
    registry, repository = _split_domain(remainder)
    _check_repository(repository, registry=registry, original=text)
    if tag is None and digest is None:
        tag = "latest"
    return ImageReference(registry=registry, repository=repository, tag=tag, digest=digest)


def _split_digest(text: str, *, original: str) -> tuple[str, str | None]:
    if "@" not in text:
        return text, None
    remainder, digest = text.rsplit("@", 1)
    if not _DIGEST.fullmatch(digest):
        raise UsageError(f"invalid image reference {original!r}: bad digest {digest!r}")
    return remainder, _checked_digest(digest)


def _checked_digest(digest: str) -> str:
    algorithm, _, hex_part = digest.partition(":")
    expected = _HEX_LENGTH.get(algorithm)
    if expected is None or len(hex_part) != expected or hex_part != hex_part.lower():
        raise UsageError(
            f"invalid digest {digest!r}: expected sha256:<64 hex> or sha512:<128 hex>, lowercase"
        )
    return digest


def _split_tag(text: str, *, original: str) -> tuple[str, str | None]:
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon <= slash:
        return text, None
    tag = text[colon + 1 :]
    if not _TAG.fullmatch(tag):
        raise UsageError(f"invalid image reference {original!r}: bad tag {tag!r}")
    return text[:colon], tag


def _split_domain(name: str) -> tuple[str, str]:
    first, slash, rest = name.partition("/")
    is_domain = slash and (
        any(c in first for c in ".:") or first == "localhost" or first.lower() != first
    )
    if not is_domain:
        registry, repository = DOCKER_HUB, name
    else:
        registry, repository = first, rest
        if not _DOMAIN_RE.fullmatch(registry):
            raise UsageError(f"invalid registry {registry!r} in image reference {name!r}")
    if registry in _HUB_ALIASES:
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    return registry, repository


def _check_repository(repository: str, *, registry: str, original: str) -> None:
    if not repository:
        raise UsageError(f"invalid image reference {original!r}: no repository name")
    if repository.lower() != repository:
        raise UsageError(f"invalid image reference {original!r}: repository name must be lowercase")
    if _ID_ONLY.fullmatch(repository.removeprefix("library/")) and registry == DOCKER_HUB:
        raise UsageError(
            f"invalid image reference {original!r}: a 64-hex string is an image id, not a name"
        )
    if not _PATH.fullmatch(repository):
        raise UsageError(
            f"invalid image reference {original!r}: repository components are lowercase letters, "
            "digits and single separators ('.', '_', '__', '-')"
        )
    if len(registry) + 1 + len(repository) > _MAX_NAME:
        raise UsageError(f"invalid image reference {original!r}: name longer than 255 characters")
