"""Translate what goes wrong on the wire into dockyard's registry errors, one line each.

httpx exceptions become :class:`RegistryUnavailable` (``raise ... from exc`` keeps the cause for
debugging); error statuses are read together with the distribution spec's error body
(``{"errors": [{"code": "MANIFEST_UNKNOWN", "message": ...}]}``) so a 404 and a 400 carrying
``NAME_UNKNOWN`` both become :class:`ManifestNotFound`.
"""

from __future__ import annotations

import os
import ssl

import httpx

from dockyard.errors import ManifestNotFound, RegistryError, RegistryUnavailable
from dockyard.registry._ratelimit import parse_rate_limit
from dockyard.secrets import redact

__all__ = ["error_for_status", "transport_error"]

_NOT_FOUND_CODES = frozenset({"MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN"})
_MAX_DETAIL = 200


def transport_error(exc: httpx.HTTPError, *, registry: str, what: str) -> RegistryUnavailable:
    """One line for a connect error, a timeout or a broken connection."""
    if isinstance(exc, httpx.TimeoutException):
        reason = "timed out"
    elif isinstance(exc, httpx.ConnectError):
        reason = f"cannot connect ({_connect_reason(exc)})"
    else:
        reason = _first_line(str(exc)) or type(exc).__name__
    return RegistryUnavailable(
        f"registry {registry} is unreachable: {reason} during {what}; "
        "check the address and that the registry is running"
    )


def _connect_reason(exc: httpx.ConnectError) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "reason", None) or _first_line(str(cause))
            return f"TLS error {reason}: if it speaks plain http, list it in insecure_hosts"
        if isinstance(cause, OSError) and cause.errno is not None:
            return os.strerror(cause.errno).lower()
        cause = cause.__cause__ or cause.__context__
    text = _first_line(str(exc))
    return text or "connection failed"


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return redact(lines[0])[:_MAX_DETAIL] if lines else ""


def _error_codes(response: httpx.Response) -> list[tuple[str, str]]:
    try:
        body = response.json()
    except (ValueError, httpx.ResponseNotRead):
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    found = []
    for item in errors:
        if isinstance(item, dict):
            found.append((str(item.get("code", "")), str(item.get("message", ""))))
    return found


def error_for_status(response: httpx.Response, *, registry: str, what: str) -> RegistryError:
    """The error for a non-success answer that is not an authentication problem."""
    codes = _error_codes(response)
    detail = "; ".join(_first_line(message or code) for code, message in codes)
    suffix = f": {detail}" if detail else ""
    status = response.status_code
    if status == 404 or any(code in _NOT_FOUND_CODES for code, _ in codes):
        return ManifestNotFound(f"{what} not found on registry {registry}{suffix}")
    if status == 429:
        limit = parse_rate_limit(response.headers)
        left = f" ({limit})" if limit else ""
        return RegistryUnavailable(
            f"registry {registry} rate limit reached{left} during {what}: wait, or log in"
        )
    return RegistryUnavailable(
        f"registry {registry} answered {status} {response.reason_phrase} to {what}{suffix}"
    )
