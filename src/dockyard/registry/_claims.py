"""What a registry token says it grants: the ``access`` claim of its JWT payload.

A token server does not always refuse what it will not grant: Docker Hub answers a request for
``repository:you/app:pull,push`` from a read-only access token with a token for ``pull`` only.
The registry would only refuse at the first upload, after the build. Reading the granted
``access`` claim lets ``check_access`` fail before anything is built.

The payload is decoded *without* verifying the signature, on purpose: the answer is only used to
fail early, and the registry still checks the real token on every request. Decoding a JWT
payload is base64url and JSON; a JWT library would bring signature machinery (and its import
time) that this deliberately does not use. A token that is not a JWT (an opaque token) says
nothing: :func:`granted_actions` returns None and the caller assumes access.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

__all__ = ["granted_actions"]

_JWT_PARTS = 3


def granted_actions(token: str, *, repository: str) -> frozenset[str] | None:
    """The actions the token grants on ``repository``, or None when the token is opaque."""
    claims = _payload(token)
    if claims is None or "access" not in claims:
        return None
    access = claims.get("access")
    granted: set[str] = set()
    for entry in access if isinstance(access, list) else []:
        if not isinstance(entry, dict) or entry.get("type") != "repository":
            continue
        if entry.get("name") not in (repository, "*"):
            continue
        actions = entry.get("actions")
        if isinstance(actions, list):
            granted.update(str(action) for action in actions)
    if "*" in granted:
        granted.update(("pull", "push", "delete"))
    return frozenset(granted)


def _payload(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != _JWT_PARTS or not parts[1]:
        return None
    encoded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return None
    return decoded if isinstance(decoded, dict) else None
