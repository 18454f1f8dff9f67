"""Push a tag from the engine to its registry, and read the outcome from the stream.

The engine reports push failures *inside* the JSON stream (``errorDetail``) while the HTTP status
stays 200, so the SDK raises nothing: every line is read here and an error line becomes
:class:`AuthenticationError` or :class:`RegistryUnavailable`. Credentials travel only in the
``X-Registry-Auth`` header the SDK builds from ``auth_config``: never in process arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dockyard.engine._client import Engine, translate_errors
from dockyard.errors import AuthenticationError, RegistryError, RegistryUnavailable
from dockyard.secrets import redact

__all__ = ["PushResult", "classify_push_error", "push_tag"]

_AUTH_HINTS = (
    "unauthorized",
    "authentication required",
    "no basic auth credentials",
    "denied",
    "incorrect username or password",
    "authorization failed",
)
# "<tag>: digest: sha256:<hex> size: <bytes>": the one line every engine ends a push with; Engine
# 20.10 repeats it in an "aux" object, Engine 28 on the containerd image store does not.
_DIGEST_STATUS = re.compile(r"^\S+: digest: (sha256:[0-9a-f]{64}) size: (\d+)$")
_UNAVAILABLE_HINTS = (
    "connection refused",
    "no such host",
    "i/o timeout",
    "timeout",
    "connection reset",
    "server gave http response to https client",
    "eof",
    "network is unreachable",
    "503",
    "502",
    "500 internal server error",
)


@dataclass(frozen=True)
class PushResult:
    """What the engine says it pushed (the registry is asked separately for the truth)."""

    reference: str
    digest: str | None
    size: int | None


def push_tag(
    engine: Engine,
    *,
    repository: str,
    tag: str,
    auth_config: Mapping[str, str] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> PushResult:
    """Push ``repository:tag``; raise on the first error line of the stream."""
    say = on_progress or (lambda _line: None)
    reference = f"{repository}:{tag}"
    digest: str | None = None
    size: int | None = None
    seen: set[tuple[str, str]] = set()
    with translate_errors(f"pushing {reference}"):
        stream = engine.sdk.api.push(
            repository,
            tag=tag,
            stream=True,
            decode=True,
            auth_config=dict(auth_config) if auth_config else None,
        )
        for line in stream:
            if "errorDetail" in line or "error" in line:
                raise classify_push_error(_error_text(line), reference=reference)
            aux = line.get("aux")
            if isinstance(aux, Mapping) and aux.get("Digest"):
                digest, size = str(aux["Digest"]), _int_or_none(aux.get("Size"))
            elif found := _DIGEST_STATUS.match(str(line.get("status", ""))):
                digest, size = found[1], int(found[2])
            progress = _progress_line(line)
            if progress and progress not in seen:
                seen.add(progress)
                say(" ".join(part for part in progress if part))
    return PushResult(reference=reference, digest=digest, size=size)


def classify_push_error(text: str, *, reference: str) -> RegistryError:
    """One clear line for an error the engine met while talking to the registry."""
    clean = redact(text.strip().splitlines()[0] if text.strip() else "unknown error")
    lowered = clean.lower()
    if any(hint in lowered for hint in _AUTH_HINTS):
        return AuthenticationError(
            f"the registry refused the credentials for {reference}: {clean} "
            "(check DOCKER_USERNAME/DOCKER_PASSWORD or `docker login`)"
        )
    if any(hint in lowered for hint in _UNAVAILABLE_HINTS):
        return RegistryUnavailable(f"the registry for {reference} is unreachable: {clean}")
    return RegistryError(f"pushing {reference} failed: {clean}")


def _error_text(line: Mapping[str, Any]) -> str:
    detail = line.get("errorDetail")
    if isinstance(detail, Mapping) and detail.get("message"):
        return str(detail["message"])
    return str(line.get("error", "unknown error"))


def _progress_line(line: Mapping[str, Any]) -> tuple[str, str] | None:
    """Layer states worth a line ("Pushed", "Layer already exists"); byte counters are not."""
    status = str(line.get("status", ""))
    if not status or line.get("progressDetail", {}).get("current"):
        return None
    if status in ("Pushing", "Preparing", "Waiting"):
        return None
    return str(line.get("id", "")), status


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None
