"""Is there a newer image? One HEAD per unique reference per cycle, bounded concurrency.

References are deduplicated first, so 100 containers on 20 tags cost 20 HEAD requests and no
pull. A registry that fails (down, slow, 5xx, garbage, refused credentials) is backed off
exponentially: its references are not asked again until the delay has passed, and the cycle
reports why. Nothing is pulled or stopped for a reference whose check failed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from dockyard.errors import AuthenticationError, DockyardError, RegistryUnavailable

__all__ = [
    "Backoff",
    "CheckResult",
    "DigestSource",
    "RemoteDigest",
    "check_references",
    "registry_host",
]

log = logging.getLogger("dockyard.watch")


@dataclass(frozen=True)
class RemoteDigest:
    digest: str
    rate_limit: str | None = None  # e.g. "remaining 98 of 100 per 21600s", when the registry says


class DigestSource(Protocol):
    """Where manifest digests come from (the registry client; an in-memory fake in unit tests)."""

    def remote_digest(self, ref: str) -> RemoteDigest: ...


@dataclass(frozen=True)
class CheckResult:
    ref: str
    digest: str | None = None
    error: str | None = None


def registry_host(ref: str) -> str:
    """The registry of a reference, by Docker's rule (a first part with ``.``, ``:``, localhost)."""
    first, sep, _ = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


class Backoff:
    """Exponential backoff per registry: 30 s, 60 s, 120 s ... up to an hour, reset on success."""

    def __init__(
        self,
        *,
        base: float = 30.0,
        cap: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base, self._cap, self._clock = base, cap, clock
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def remaining(self, host: str) -> float:
        """Seconds until ``host`` may be asked again (0 when it may now)."""
        with self._lock:
            return max(0.0, self._until.get(host, 0.0) - self._clock())

    def failed(self, host: str) -> float:
        with self._lock:
            count = self._failures.get(host, 0) + 1
            self._failures[host] = count
            delay = min(self._cap, self._base * 2 ** (count - 1))
            self._until[host] = self._clock() + delay
            return float(delay)

    def succeeded(self, host: str) -> None:
        with self._lock:
            self._failures.pop(host, None)
            self._until.pop(host, None)


def check_references(
    refs: Iterable[str], *, source: DigestSource, backoff: Backoff, workers: int = 8
) -> dict[str, CheckResult]:
    """The remote digest (or the reason there is none) of each unique reference."""
    unique = sorted(set(refs))
    results: dict[str, CheckResult] = {}
    to_ask = []
    for ref in unique:
        wait = backoff.remaining(registry_host(ref))
        if wait > 0:
            results[ref] = CheckResult(
                ref=ref,
                error=f"registry {registry_host(ref)} is backed off after failures; "
                f"next attempt in {wait:.0f}s",
            )
        else:
            to_ask.append(ref)
    if to_ask:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(to_ask)))) as pool:
            asked = list(pool.map(lambda r: _ask(r, source), to_ask))
        _update_backoff(asked, backoff)
        results.update((result.ref, result) for result, _ in asked)
    return results


def _ask(ref: str, source: DigestSource) -> tuple[CheckResult, bool]:
    """The result, and whether the failure (if any) is the registry's fault."""
    try:
        remote = source.remote_digest(ref)
    except (RegistryUnavailable, AuthenticationError) as exc:
        return CheckResult(ref=ref, error=str(exc)), True
    except DockyardError as exc:
        return CheckResult(ref=ref, error=str(exc)), False
    if remote.rate_limit:
        log.info("%s: registry rate limit: %s", registry_host(ref), remote.rate_limit)
    return CheckResult(ref=ref, digest=remote.digest), False


def _update_backoff(asked: list[tuple[CheckResult, bool]], backoff: Backoff) -> None:
    """One backoff step per failing registry per cycle, however many of its tags failed."""
    failing = {registry_host(r.ref) for r, fault in asked if fault}
    for host in sorted(failing):
        delay = backoff.failed(host)
        log.warning("registry %s failed; not asked again for %.0fs", host, delay)
    for host in {registry_host(r.ref) for r, _ in asked} - failing:
        backoff.succeeded(host)
