"""The registry client: manifests and blobs over the OCI distribution API, always digest-verified.

One ``httpx.Client`` per :class:`RegistryClient`, so connections and bearer tokens are reused
across calls; the transport is injectable so the protocol logic runs in memory in unit tests
(the default one sets TLS up only for https registries, see :mod:`._transport`).
Plain http is used for loopback registries and ``insecure_hosts`` (as docker does), https
elsewhere. Every answer that can carry Docker Hub's rate-limit headers updates
:attr:`RegistryClient.last_rate_limit`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import httpx

from dockyard.errors import DigestMismatch, RegistryUnavailable
from dockyard.registry._answers import (
    choose_entry,
    media_type_of,
    next_page,
    parse_manifest,
    pick_challenge,
    tags_of,
    with_origin,
)
from dockyard.registry._auth import Authorizer
from dockyard.registry._claims import granted_actions
from dockyard.registry._credentials import CredentialStore
from dockyard.registry._digest import DigestVerifier, compute_digest, verify_digest
from dockyard.registry._errors import error_for_status, transport_error
from dockyard.registry._model import (
    MANIFEST_ACCEPT,
    Manifest,
    ManifestInfo,
)
from dockyard.registry._platform import Platform
from dockyard.registry._ratelimit import RateLimit, parse_rate_limit
from dockyard.registry._reference import ImageReference
from dockyard.registry._transport import SchemeTransport

__all__ = ["RegistryClient"]

log = logging.getLogger("dockyard.registry")
_MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_MAX_SMALL_BLOB_BYTES = 32 * 1024 * 1024
_CHUNK = 1024 * 1024
_MAX_INDEX_DEPTH = 2
_TAGS_PAGE = 1000
_MAX_TAG_PAGES = 1000
_USER_AGENT = "dockyard-registry-client"


class RegistryClient:
    """Talks to OCI registries on behalf of one process; close it (or use ``with``) when done."""

    def __init__(
        self,
        *,
        credentials: CredentialStore | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        insecure_hosts: Iterable[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = httpx.Client(
            transport=transport or SchemeTransport(),
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": _USER_AGENT},
        )
        self._insecure = frozenset(insecure_hosts or ())
        self._auth = Authorizer(
            http=self._http,
            credentials=credentials,
            clock=clock,
            plain_http_ok=lambda host: self._scheme(host) == "http",
        )
        self.last_rate_limit: RateLimit | None = None

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def token_requests(self) -> int:
        """How many times a token server was asked (tokens are cached per scope)."""
        return self._auth.token_requests

    # -- public operations -------------------------------------------------------------------

    def ping(self, registry: str) -> None:
        """``GET /v2/``: check the registry speaks the API and learn how it authenticates."""
        response = self._send(registry, "GET", "/v2/", what="the /v2/ ping")
        try:
            if response.status_code == 401:
                self._auth.learn(registry, pick_challenge(response))
            elif response.is_success:
                self._auth.learn(registry, None)
            else:
                raise RegistryUnavailable(
                    f"registry {registry} does not speak the registry API: GET /v2/ answered "
                    f"{response.status_code} {response.reason_phrase}"
                )
        finally:
            response.close()

    def check_access(
        self, ref: ImageReference, *, actions: tuple[str, ...] = ("pull", "push")
    ) -> None:
        """Fail early, before minutes of work, when ``actions`` on ``ref``'s repository are not
        granted; the registry still enforces the real check on every request.

        Bearer registries: a token is asked for ``repository:<name>:<actions>`` and the granted
        ``access`` claim of its JWT is read (Docker Hub hands out reduced tokens instead of
        refusing, which is how a read-only token is caught); an opaque token is assumed to grant
        what was asked. Basic-auth registries have no way to say what a login may do before it
        tries: credentials accepted on ``/v2/`` are the best signal available. Open registries
        need nothing. Raises :class:`AuthenticationError` naming registry, repository and the
        missing action, never the secret.
        """
        registry = ref.registry
        if not self._auth.knows(registry):
            self.ping(registry)
        challenge = self._auth.challenge(registry)
        if challenge is None:
            return
        scope = f"repository:{ref.repository}:{','.join(actions)}"
        if challenge.scheme != "bearer":
            self._check_login(registry, scope=scope)
            return
        token = self._auth.bearer_token(registry, scope=scope)
        granted = granted_actions(token.reveal(), repository=ref.repository)
        if granted is None:
            log.debug("registry %s sent an opaque token: assuming %s is granted", registry, scope)
            return
        missing = [action for action in actions if action not in granted]
        if missing:
            raise self._auth.not_granted(
                registry, repository=ref.repository, scope=scope, missing=missing
            )

    def put_manifest(self, ref: ImageReference, *, raw: bytes, media_type: str) -> str:
        """Store ``raw`` exactly under ``ref`` (a tag): re-tagging without the engine, since the
        layers and config it names are already in the repository. Returns the digest, checked
        against what the registry says it stored."""
        expected = compute_digest(raw)
        if ref.digest and ref.digest != expected:
            raise DigestMismatch(f"manifest for {ref}: its bytes hash to {expected}")
        path = f"/v2/{ref.repository}/manifests/{ref.reference}"
        with self._open(
            ref,
            "PUT",
            path,
            what=f"storing manifest {ref}",
            scope=f"repository:{ref.repository}:pull,push",
            headers={"Content-Type": media_type},
            content=raw,
        ) as response:
            served = response.headers.get("docker-content-digest")
        if not served:  # the header is a SHOULD: ask the registry what it now serves
            served = self.head_manifest(ref).digest
        if served != expected:
            raise DigestMismatch(
                f"registry {ref.registry} stored {served} for {ref}, not the {expected} sent"
            )
        return expected

    def head_manifest(self, ref: ImageReference) -> ManifestInfo:
        """What ``ref`` points to now (digest, media type, size), without downloading it."""
        path = f"/v2/{ref.repository}/manifests/{ref.reference}"
        with self._open(ref, "HEAD", path, what=f"manifest {ref}", accept=MANIFEST_ACCEPT) as resp:
            self._note_rate_limit(resp)
            digest = resp.headers.get("docker-content-digest")
            media_type = media_type_of(resp)
            size = int(resp.headers.get("content-length") or 0)
        if not digest:
            manifest = self._get_raw_manifest(ref)
            return ManifestInfo(
                digest=manifest.digest,
                media_type=manifest.media_type,
                size=manifest.size,
                rate_limit=self.last_rate_limit,
            )
        if ref.digest and digest != ref.digest:
            raise DigestMismatch(f"registry {ref.registry} answered {digest} for {ref}")
        return ManifestInfo(
            digest=digest, media_type=media_type, size=size, rate_limit=self.last_rate_limit
        )

    def get_manifest(self, ref: ImageReference, *, platform: Platform | None = None) -> Manifest:
        """The image manifest of ``ref``; an index is resolved to ``platform`` (default: host)."""
        wanted = platform or Platform.host()
        top = self._get_raw_manifest(ref)
        manifest = top
        for _ in range(_MAX_INDEX_DEPTH):
            if not manifest.is_index:
                break
            entry = choose_entry(manifest, wanted=wanted, ref=ref)
            manifest = self._get_raw_manifest(
                ref.with_digest(entry.digest), expected_size=entry.size
            )
            manifest = with_origin(manifest, index_digest=top.digest, platform=entry.platform)
        if manifest.is_index:
            raise RegistryUnavailable(f"registry {ref.registry}: {ref} nests indexes too deeply")
        return manifest

    def get_index(self, ref: ImageReference) -> Manifest:
        """The manifest ``ref`` points to as it is stored: an index stays an index."""
        return self._get_raw_manifest(ref)

    def get_image_config(
        self, ref: ImageReference, *, platform: Platform | None = None
    ) -> dict[str, Any]:
        """The image config (labels, env, history, diff ids) for ``platform``, digest-verified."""
        manifest = self.get_manifest(ref, platform=platform)
        if manifest.config_digest is None:
            raise RegistryUnavailable(f"registry {ref.registry}: manifest {ref} has no config")
        raw = self.get_blob_bytes(ref, manifest.config_digest)
        try:
            config = json.loads(raw)
        except ValueError as exc:
            raise RegistryUnavailable(
                f"registry {ref.registry}: the config of {ref} is not JSON"
            ) from exc
        if not isinstance(config, dict):
            raise RegistryUnavailable(
                f"registry {ref.registry}: the config of {ref} is not an object"
            )
        return config

    def list_tags(self, ref: ImageReference) -> list[str]:
        """Every tag of ``ref``'s repository, following the registry's pagination links."""
        tags: list[str] = []
        path: str | None = f"/v2/{ref.repository}/tags/list?n={_TAGS_PAGE}"
        what = f"the tags of {ref.name}"
        for _ in range(_MAX_TAG_PAGES):
            if path is None:
                return tags
            with self._open(ref, "GET", path, what=what) as response:
                body = self._read_capped(response, ref=ref, limit=_MAX_MANIFEST_BYTES, what=what)
                path = next_page(response)
            tags.extend(tags_of(body, ref=ref))
        raise RegistryUnavailable(f"registry {ref.registry}: too many pages of tags for {ref.name}")

    def get_blob_bytes(
        self, ref: ImageReference, digest: str, *, max_bytes: int = _MAX_SMALL_BLOB_BYTES
    ) -> bytes:
        """A small blob (an image config), verified; larger than ``max_bytes`` is refused."""
        chunks: list[bytes] = []
        total = 0
        with self.open_blob(ref, digest) as stream:
            for chunk in stream:
                total += len(chunk)
                if total > max_bytes:
                    raise RegistryUnavailable(
                        f"blob {digest} of {ref.name} is larger than {max_bytes} bytes: "
                        "stream it with open_blob"
                    )
                chunks.append(chunk)
        return b"".join(chunks)

    @contextmanager
    def open_blob(
        self, ref: ImageReference, digest: str, *, chunk_size: int = _CHUNK
    ) -> Iterator[Iterator[bytes]]:
        """Stream a blob; the digest is checked as it passes and DigestMismatch ends a bad one."""
        what = f"blob {digest} of {ref.name}"
        verifier = DigestVerifier(expected=digest, what=what)
        path = f"/v2/{ref.repository}/blobs/{digest}"
        headers = {"Accept-Encoding": "identity"}
        with self._open(ref, "GET", path, what=what, headers=headers) as response:
            yield self._verified(response, verifier=verifier, ref=ref, chunk_size=chunk_size)

    def _check_login(self, registry: str, *, scope: str) -> None:
        """Basic auth: the credentials must be accepted on ``/v2/`` (missing ones raise)."""
        auth = self._auth.header(registry=registry, scope=scope)
        response = self._send(registry, "GET", "/v2/", what="the login check", headers=auth)
        response.close()
        if response.status_code in (401, 403):
            raise self._auth.refused(registry, scope=scope, status=401)

    # -- manifests ---------------------------------------------------------------------------

    def _get_raw_manifest(
        self, ref: ImageReference, *, expected_size: int | None = None
    ) -> Manifest:
        path = f"/v2/{ref.repository}/manifests/{ref.reference}"
        what = f"manifest {ref}"
        with self._open(ref, "GET", path, what=what, accept=MANIFEST_ACCEPT) as response:
            self._note_rate_limit(response)
            raw = self._read_capped(response, ref=ref, limit=_MAX_MANIFEST_BYTES, what=what)
            served = response.headers.get("docker-content-digest")
            header_type = media_type_of(response)
        expected = ref.digest or served
        if expected:
            verify_digest(raw, expected=expected, what=f"{what} from {ref.registry}")
        if expected_size is not None and expected_size != len(raw):
            raise DigestMismatch(f"{what}: {len(raw)} bytes served, the index says {expected_size}")
        return parse_manifest(
            raw, digest=expected or compute_digest(raw), header_type=header_type, ref=ref
        )

    # -- plumbing ----------------------------------------------------------------------------

    def _verified(
        self,
        response: httpx.Response,
        *,
        verifier: DigestVerifier,
        ref: ImageReference,
        chunk_size: int,
    ) -> Iterator[bytes]:
        try:
            for chunk in response.iter_bytes(chunk_size):
                verifier.update(chunk)
                yield chunk
        except httpx.HTTPError as exc:
            raise transport_error(
                exc, registry=ref.registry, what=f"reading {verifier.expected}"
            ) from exc
        verifier.verify()

    def _read_capped(
        self, response: httpx.Response, *, ref: ImageReference, limit: int, what: str
    ) -> bytes:
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise RegistryUnavailable(
                        f"registry {ref.registry} sent more than {limit} bytes for {what}"
                    )
                chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise transport_error(exc, registry=ref.registry, what=what) from exc
        return b"".join(chunks)

    @contextmanager
    def _open(
        self,
        ref: ImageReference,
        method: str,
        path: str,
        *,
        what: str,
        accept: str | None = None,
        headers: dict[str, str] | None = None,
        scope: str | None = None,
        content: bytes | None = None,
    ) -> Iterator[httpx.Response]:
        """A streamed, authorized, successful response (errors raised, response closed after)."""
        registry = ref.registry
        if not self._auth.knows(registry):
            self.ping(registry)
        scope = scope or f"repository:{ref.repository}:pull"
        extra = dict(headers or {})
        if accept:
            extra["Accept"] = accept
        response = self._authorized(
            registry, method, path, scope=scope, what=what, headers=extra, content=content
        )
        try:
            if not response.is_success:
                response.read()
                raise error_for_status(response, registry=registry, what=what)
            yield response
        finally:
            response.close()

    def _authorized(
        self,
        registry: str,
        method: str,
        path: str,
        *,
        scope: str,
        what: str,
        headers: dict[str, str],
        content: bytes | None = None,
    ) -> httpx.Response:
        auth = self._auth.header(registry=registry, scope=scope)
        response = self._send(
            registry, method, path, what=what, headers={**headers, **auth}, content=content
        )
        if response.status_code != 401:
            return self._checked_forbidden(response, registry=registry, scope=scope)
        response.close()
        challenge = pick_challenge(response)
        had_auth = bool(auth)
        if challenge is not None:
            self._auth.learn(registry, challenge)
            if challenge.scope and challenge.scope not in scope.split(" "):
                scope = f"{scope} {challenge.scope}"
        if challenge is None or (had_auth and challenge.scheme == "basic"):
            raise self._auth.refused(registry, scope=scope, status=401)
        auth = self._auth.header(registry=registry, scope=scope, fresh=True)
        response = self._send(
            registry, method, path, what=what, headers={**headers, **auth}, content=content
        )
        if response.status_code == 401:
            response.close()
            again = pick_challenge(response)
            denied = again is not None and again.error == "insufficient_scope"
            raise self._auth.refused(registry, scope=scope, status=403 if denied else 401)
        return self._checked_forbidden(response, registry=registry, scope=scope)

    def _checked_forbidden(
        self, response: httpx.Response, *, registry: str, scope: str
    ) -> httpx.Response:
        if response.status_code == 403:
            response.close()
            raise self._auth.refused(registry, scope=scope, status=403)
        return response

    def _send(
        self,
        registry: str,
        method: str,
        path: str,
        *,
        what: str,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        url = f"{self._scheme(registry)}://{_api_host(registry)}{path}"
        log.debug("%s %s", method, url)
        try:
            request = self._http.build_request(method, url, headers=headers, content=content)
            return self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise transport_error(exc, registry=registry, what=what) from exc

    def _scheme(self, registry: str) -> str:
        loopback = ImageReference(registry=registry, repository="x").is_loopback
        return "http" if loopback or registry in self._insecure else "https"

    def _note_rate_limit(self, response: httpx.Response) -> None:
        limit = parse_rate_limit(response.headers)
        if limit is None:
            return
        self.last_rate_limit = limit
        if limit.is_low:
            log.warning("registry pull rate limit is low: %s", limit)
        else:
            log.info("registry pull rate limit: %s", limit)


def _api_host(registry: str) -> str:
    host: str = ImageReference(registry=registry, repository="x").api_host
    return host
