"""Docker Hub's pull rate limit, read from the headers it sends on manifest requests.

Docker Hub answers ``ratelimit-limit: 100;w=21600``, ``ratelimit-remaining: 76;w=21600`` and
``docker-ratelimit-source: <ip or account>``. A HEAD request does not count against the limit,
so reading these headers is how a watcher knows how close it is before a pull would fail.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["RateLimit", "parse_rate_limit"]

log = logging.getLogger("dockyard.registry")
_LOW_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class RateLimit:
    """How many pulls the registry allows per window, and how many are left."""

    limit: int
    remaining: int | None
    window_s: int | None
    source: str | None

    @property
    def is_low(self) -> bool:
        return self.remaining is not None and self.remaining <= self.limit * _LOW_FRACTION

    def __str__(self) -> str:
        window = f" per {_duration(self.window_s)}" if self.window_s else ""
        left = f"{self.remaining}/{self.limit}" if self.remaining is not None else f"{self.limit}"
        source = f" (source {self.source})" if self.source else ""
        return f"{left} pulls left{window}{source}"


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}min"
    return f"{seconds}s"


def _count_and_window(value: str) -> tuple[int, int | None] | None:
    """``100;w=21600`` -> (100, 21600); ``100`` -> (100, None); garbage -> None."""
    head, *params = (part.strip() for part in value.split(";"))
    try:
        count = int(head)
    except ValueError:
        return None
    window = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "w" and raw.strip().isdigit():
            window = int(raw.strip())
    return count, window


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """The rate limit in ``headers`` (case-insensitive mapping), or None when absent/garbled."""
    raw_limit = headers.get("ratelimit-limit")
    if raw_limit is None:
        return None
    parsed = _count_and_window(raw_limit)
    if parsed is None:
        log.debug("ignoring unreadable ratelimit-limit header %r", raw_limit)
        return None
    limit, window = parsed
    remaining_raw = headers.get("ratelimit-remaining")
    remaining_parsed = _count_and_window(remaining_raw) if remaining_raw is not None else None
    remaining = remaining_parsed[0] if remaining_parsed else None
    if window is None and remaining_parsed:
        window = remaining_parsed[1]
    source = headers.get("docker-ratelimit-source")
    return RateLimit(limit=limit, remaining=remaining, window_s=window, source=source or None)
