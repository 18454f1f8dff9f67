"""Authorization for registry requests: basic auth, and the distribution spec's bearer-token flow.

A registry says what it wants in a ``WWW-Authenticate`` challenge (learnt from the ``/v2/`` ping
or from a 401). ``Basic``: send the credentials on every request. ``Bearer``: ask the token server
(``realm``) for a token for ``service`` and ``scope`` — with HTTP basic auth when credentials
exist (or an OAuth2 refresh-token POST for an identity token), anonymously otherwise — and send
``Authorization: Bearer <token>``. Tokens are cached per (realm, service, scope, user) until
``expires_in`` (60 s when the server does not say) runs out, so a watcher polling many tags asks
the token server once per repository and window, not once per request.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from dockyard.errors import AuthenticationError, RegistryUnavailable
from dockyard.registry._challenge import Challenge
from dockyard.registry._credentials import Credentials, CredentialStore
from dockyard.secrets import Secret, redact

__all__ = ["Authorizer"]

log = logging.getLogger("dockyard.registry")
_DEFAULT_EXPIRES_S = 60
_EXPIRY_MARGIN_S = 5.0
_CLIENT_ID = "dockyard"


@dataclass(frozen=True, slots=True)
class _CachedToken:
    token: Secret
    expires_at: float


class Authorizer:
    """Holds what each registry asked for, the credentials to answer with, and cached tokens."""

    def __init__(
        self,
        *,
        http: httpx.Client,
        credentials: CredentialStore | None,
        clock: Callable[[], float] = time.monotonic,
        plain_http_ok: Callable[[str], bool] = lambda host: False,
    ) -> None:
        self._http = http
        self._store = credentials
        self._clock = clock
        self._plain_http_ok = plain_http_ok
        self._challenges: dict[str, Challenge | None] = {}
        self._tokens: dict[tuple[str, str, str, str], _CachedToken] = {}
        self._lock = threading.Lock()
        self.token_requests = 0

    def knows(self, registry: str) -> bool:
        return registry in self._challenges

    def learn(self, registry: str, challenge: Challenge | None) -> None:
        """Remember how ``registry`` authenticates (None: it needs nothing)."""
        self._challenges[registry] = challenge

    def challenge(self, registry: str) -> Challenge | None:
        """The challenge learnt for ``registry`` (None: it needs no authentication)."""
        return self._challenges.get(registry)

    def bearer_token(self, registry: str, *, scope: str) -> Secret:
        """A token for ``scope`` from ``registry``'s token server (cached like any other)."""
        challenge = self._challenges.get(registry)
        if challenge is None or challenge.scheme != "bearer":
            raise ValueError(f"registry {registry} does not use bearer tokens")
        creds = self.credentials(registry)
        return self._token(registry, challenge, scope=scope, creds=creds, fresh=False)

    def credentials(self, registry: str) -> Credentials | None:
        return self._store.for_registry(registry) if self._store is not None else None

    def header(self, *, registry: str, scope: str, fresh: bool = False) -> dict[str, str]:
        """The Authorization header for a request to ``registry`` needing ``scope``."""
        challenge = self._challenges.get(registry)
        if challenge is None:
            return {}
        creds = self.credentials(registry)
        if challenge.scheme == "basic":
            if creds is None:
                raise self.missing(registry, scope=scope)
            return {"Authorization": _basic(creds)}
        if challenge.scheme == "bearer":
            token = self._token(registry, challenge, scope=scope, creds=creds, fresh=fresh)
            return {"Authorization": f"Bearer {token.reveal()}"}
        raise AuthenticationError(
            f"registry {registry} asks for {challenge.scheme!r} authentication, which dockyard "
            "does not speak (basic and bearer tokens only)"
        )

    def refused(self, registry: str, *, scope: str, status: int) -> AuthenticationError:
        """The error for a 401/403 that remains after the credentials were tried."""
        creds = self.credentials(registry)
        if creds is None:
            return self.missing(registry, scope=scope, maybe_absent=status == 403)
        source = f"(credentials from {creds.source})"
        if status == 403:
            return AuthenticationError(
                f"registry {registry} denied user {creds.username!r} access to {scope} {source}: "
                "the credentials work but do not grant this repository, or it does not exist"
            )
        return AuthenticationError(
            f"registry {registry} refused the credentials of user {creds.username!r} {source}: "
            f"check them, or docker login {registry}"
        )

    def not_granted(
        self, registry: str, *, repository: str, scope: str, missing: list[str]
    ) -> AuthenticationError:
        """A token server that grants less than asked (Docker Hub does, instead of refusing)."""
        creds = self.credentials(registry)
        if creds is None:
            return self.missing(registry, scope=scope)
        return AuthenticationError(
            f"registry {registry} does not grant user {creds.username!r} "
            f"{' and '.join(missing)} access to repository {repository} "
            f"(credentials from {creds.source}): use credentials with write access "
            "(a read-only access token cannot push)"
        )

    @staticmethod
    def missing(registry: str, *, scope: str, maybe_absent: bool = False) -> AuthenticationError:
        """Token registries answer a missing repository like a private one, so say both."""
        absent = " (or the repository does not exist)" if maybe_absent else ""
        return AuthenticationError(
            f"registry {registry} requires credentials for {scope} and none were found{absent}: "
            f"run docker login {registry}, or set REPO_USER/REPO_PASS"
        )

    def _token(
        self,
        registry: str,
        challenge: Challenge,
        *,
        scope: str,
        creds: Credentials | None,
        fresh: bool,
    ) -> Secret:
        realm, service = challenge.realm, challenge.service or ""
        if not realm:
            raise RegistryUnavailable(f"registry {registry} sent a bearer challenge without realm")
        user = creds.username if creds else ""
        key = (realm, service, scope, user)
        with self._lock:
            if not fresh:
                for wider in _covering(scope):
                    cached = self._tokens.get((realm, service, wider, user))
                    if cached is not None and cached.expires_at > self._clock():
                        return cached.token
            fetched = self._fetch_token(
                registry, realm=realm, service=service, scope=scope, creds=creds
            )
            self._tokens[key] = fetched
            return fetched.token

    def _fetch_token(
        self, registry: str, *, realm: str, service: str, scope: str, creds: Credentials | None
    ) -> _CachedToken:
        if creds is not None:
            self._check_realm_transport(registry, realm=realm)
        self.token_requests += 1
        log.debug("asking %s for a token (service %r, scope %r)", realm, service, scope)
        try:
            response = self._token_request(realm=realm, service=service, scope=scope, creds=creds)
        except httpx.HTTPError as exc:
            reason = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            raise RegistryUnavailable(
                f"the token server of registry {registry} is unreachable: {reason}"
            ) from exc
        if response.status_code in (401, 403):
            raise self.refused(registry, scope=scope, status=401)
        if response.status_code != 200:
            raise RegistryUnavailable(
                f"the token server of registry {registry} answered {response.status_code}"
            )
        return self._parse_token(registry, response)

    def _check_realm_transport(self, registry: str, *, realm: str) -> None:
        """Credentials go to a token server over TLS, unless it is as trusted as a loopback."""
        url = httpx.URL(realm)
        if url.scheme == "https" or self._plain_http_ok(registry):
            return
        if self._plain_http_ok(url.netloc.decode("ascii")):
            return
        raise AuthenticationError(
            f"registry {registry} sends credentials to a token server over plain http "
            f"({url.host}); refusing: list it in insecure_hosts if that is really intended"
        )

    def _token_request(
        self, *, realm: str, service: str, scope: str, creds: Credentials | None
    ) -> httpx.Response:
        if creds is not None and creds.identity_token:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": creds.identity_token.reveal(),
                "service": service,
                "scope": scope,
                "client_id": _CLIENT_ID,
            }
            return self._http.post(realm, data=form)
        params: list[tuple[str, str | int | float | bool | None]] = (
            [("service", service)] if service else []
        )
        params += [("scope", part) for part in scope.split(" ") if part]
        headers = {"Authorization": _basic(creds)} if creds is not None else {}
        return self._http.get(realm, params=params, headers=headers)

    def _parse_token(self, registry: str, response: httpx.Response) -> _CachedToken:
        try:
            body = response.json()
        except ValueError as exc:
            raise RegistryUnavailable(
                f"the token server of registry {registry} answered something not JSON"
            ) from exc
        token = body.get("token") or body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise RegistryUnavailable(f"the token server of registry {registry} sent no token")
        expires = body.get("expires_in")
        lifetime = expires if isinstance(expires, int) and expires > 0 else _DEFAULT_EXPIRES_S
        expires_at = self._clock() + max(lifetime - _EXPIRY_MARGIN_S, lifetime / 2)
        return _CachedToken(token=Secret(token), expires_at=expires_at)


def _covering(scope: str) -> tuple[str, ...]:
    """``scope`` itself, then a cached push scope that also covers a pull of the same repository
    (the access check asks for ``pull,push`` first: no second token request for the pulls)."""
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    if kind == "repository" and " " not in scope and actions == "pull":
        return scope, f"repository:{name}:pull,push"
    return (scope,)


def _basic(creds: Credentials | None) -> str:
    if creds is None:
        return ""
    pair = f"{creds.username}:{creds.password.reveal()}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")
