"""Dashboard sessions: a signed cookie carrying a token's hash and an expiry, and CSRF tokens.

Signing in exchanges an API token for a cookie ``<token sha256>.<expiry>.<signature>``; the
signature is an HMAC-SHA256 under a key kept in the state directory (made on first use, mode
0600). Every request verifies the signature and the expiry, then looks the hash up in the store,
so a token deleted from the store ends its sessions at once. Nothing server-side is written per
session. The CSRF token of a session is an HMAC of its cookie under the same key (session-bound);
the sign-in form, which has no session yet, uses a double-submit cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dockyard.serve._tokens import token_hash

__all__ = [
    "SESSION_SECONDS",
    "SessionClaim",
    "Signer",
    "load_key",
    "new_nonce",
    "token_sha256",
]

SESSION_SECONDS = 12 * 3600  # a session lasts a working day, then the token is asked again
KEY_FILE = "dashboard.key"


def token_sha256(token: str) -> str:
    """The hash the store keeps of a token (the API's own: hex SHA-256 of its text)."""
    return token_hash(token.strip())


def load_key(state_dir: Path) -> bytes:
    """The signing key in ``state_dir``; made (32 random bytes, mode 0600) when absent."""
    path = state_dir / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


@dataclass(frozen=True)
class SessionClaim:
    """What a valid session cookie says: whose token, and until when."""

    token_sha256: str
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    """Signs and verifies session cookies, CSRF tokens and short messages under one key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, purpose: str, text: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}\n{text}".encode(), hashlib.sha256).digest())

    # -- sessions ----------------------------------------------------------------------------

    def session_cookie(self, token_hash: str, *, now: float) -> str:
        body = f"{token_hash}.{int(now) + SESSION_SECONDS}"
        return f"{body}.{self._mac('session', body)}"

    def read_session(self, cookie: str | None, *, now: float) -> SessionClaim | None:
        """The claim of a cookie that is well-formed, signed by this key and not expired."""
        if not cookie:
            return None
        parts = cookie.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        token_hash, expiry, signature = parts
        body = f"{token_hash}.{expiry}"
        if not hmac.compare_digest(signature, self._mac("session", body)):
            return None
        if int(expiry) <= now:
            return None
        return SessionClaim(token_sha256=token_hash, expires_at=int(expiry))

    # -- CSRF --------------------------------------------------------------------------------

    def csrf_for(self, cookie: str) -> str:
        """The CSRF token of the session ``cookie`` (the same for the session's lifetime)."""
        return self._mac("csrf", cookie)

    def check_csrf(self, cookie: str, submitted: str | None) -> bool:
        return bool(submitted) and hmac.compare_digest(str(submitted), self.csrf_for(cookie))

    # -- short signed messages (the notice shown after a deploy or rollback) -----------------

    def sign_text(self, text: str) -> str:
        data = _b64(text.encode())
        return f"{data}.{self._mac('notice', data)}"

    def read_text(self, signed: str | None) -> str | None:
        if not signed or "." not in signed:
            return None
        data, signature = signed.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._mac("notice", data)):
            return None
        try:
            return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None


def new_nonce() -> str:
    """A random value for the sign-in form's double-submit cookie."""
    return secrets.token_urlsafe(24)
