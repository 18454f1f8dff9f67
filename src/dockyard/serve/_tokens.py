"""API tokens: made once, shown once, stored as their SHA-256 only.

A token is ``dy_`` and 32 random bytes (URL-safe base64). The store keeps its hash; a request's
bearer token is hashed and looked up, so the database never holds a usable credential and a
lookup takes no secret-dependent comparison of stored values.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable

from dockyard.errors import UsageError
from dockyard.serve._store import Scope, Store, TokenRecord

__all__ = ["TOKEN_PREFIX", "authenticate", "bearer", "create_token", "token_hash"]

TOKEN_PREFIX = "dy_"  # noqa: S105  (a prefix, not a credential)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store: Store, *, name: str, scope: Scope, clock: Callable[[], float]) -> str:
    """A new token named ``name``; its value is returned once and never stored."""
    if not _NAME.fullmatch(name):
        raise UsageError(f"token name {name!r}: letters, digits, '.', '_', '@' or '-'")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    if not store.add_token(name=name, scope=scope, sha256=token_hash(token), now=clock()):
        raise UsageError(f"a token named {name} exists: pick another name")
    return token


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        return None
    kind, _, value = authorization.strip().partition(" ")
    return value.strip() or None if kind.lower() == "bearer" else None


def authenticate(
    store: Store, authorization: str | None, *, url_token: str | None = None
) -> TokenRecord | None:
    """The token a request carries, or None when it carries none or an unknown one.

    ``url_token`` is a token given in the URL, for a sender that can be given only a URL (Docker
    Hub's webhooks); the header wins when both are there."""
    token = bearer(authorization) or url_token
    if token is None or not token.startswith(TOKEN_PREFIX):
        return None
    return store.token_by_hash(token_hash(token))
