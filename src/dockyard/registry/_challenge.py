"""``WWW-Authenticate`` challenges: how a registry says which credentials it wants, and where.

``Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"``
sends the client to a token server; ``Basic realm="..."`` wants HTTP basic auth on every request.
Quoted values may contain commas (``scope="repository:a:pull,push"``), so the header is tokenised
by the RFC 7235 grammar, not split on commas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Challenge", "parse_challenges"]

_HTTP_WORD = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PARAM = re.compile(rf"\s*({_HTTP_WORD})\s*=\s*({_QUOTED}|{_HTTP_WORD})\s*(?:,|$)")
_SCHEME = re.compile(rf"\s*,?\s*({_HTTP_WORD})(?:\s+|$)")


@dataclass(frozen=True, slots=True)
class Challenge:
    """One authentication challenge: its scheme (lowercased) and its parameters."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def realm(self) -> str | None:
        return self.params.get("realm")

    @property
    def service(self) -> str | None:
        return self.params.get("service")

    @property
    def scope(self) -> str | None:
        return self.params.get("scope")

    @property
    def error(self) -> str | None:
        """``insufficient_scope`` / ``invalid_token`` when the registry says why it refused."""
        return self.params.get("error")


def _unquote(value: str) -> str:
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_challenges(header: str) -> list[Challenge]:
    """Every challenge in one ``WWW-Authenticate`` header value, in order; garbage gives []."""
    challenges: list[Challenge] = []
    pos = 0
    while pos < len(header):
        scheme = _SCHEME.match(header, pos)
        if scheme is None:
            break
        pos = scheme.end()
        params: dict[str, str] = {}
        while (param := _PARAM.match(header, pos)) is not None:
            params[param.group(1).lower()] = _unquote(param.group(2))
            pos = param.end()
        challenges.append(Challenge(scheme=scheme.group(1).lower(), params=params))
    return challenges
