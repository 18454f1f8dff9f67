"""Docker Hub's rate-limit headers, read into :class:`RateLimit`."""

from __future__ import annotations

import httpx

from dockyard.registry import RateLimit, parse_rate_limit


def test_hub_headers() -> None:
    headers = httpx.Headers(
        {
            "RateLimit-Limit": "100;w=21600",
            "RateLimit-Remaining": "76;w=21600",
            "Docker-RateLimit-Source": "203.0.113.7",
        }
    )
    limit = parse_rate_limit(headers)
    assert limit == RateLimit(limit=100, remaining=76, window_s=21600, source="203.0.113.7")
    assert str(limit) == "76/100 pulls left per 6h (source 203.0.113.7)"
    assert limit is not None
    assert not limit.is_low


def test_window_only_on_remaining_and_low_remaining() -> None:
    limit = parse_rate_limit(
        httpx.Headers({"ratelimit-limit": "200", "ratelimit-remaining": "3;w=60"})
    )
    assert limit == RateLimit(limit=200, remaining=3, window_s=60, source=None)
    assert limit is not None
    assert limit.is_low
    assert str(limit) == "3/200 pulls left per 1min"


def test_absent_or_garbled_headers_give_none() -> None:
    assert parse_rate_limit(httpx.Headers({})) is None
    assert parse_rate_limit(httpx.Headers({"ratelimit-limit": "lots"})) is None


def test_garbled_remaining_keeps_the_limit() -> None:
    limit = parse_rate_limit(
        httpx.Headers({"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "?"})
    )
    assert limit == RateLimit(limit=100, remaining=None, window_s=21600, source=None)
    assert str(limit) == "100 pulls left per 6h"
