"""Is the new container good? Running, and healthy when it has a health check.

Without a health check the container must still be running after ``confirm_seconds`` (and not
have restarted). With one, it must report ``healthy`` before ``health_timeout``; ``unhealthy``
fails at once. The state is polled with a deadline, never slept on blindly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from dockyard.engine import ContainerInfo
from dockyard.errors import ContainerNotFound
from dockyard.update._ops import ContainerOps

__all__ = ["Verdict", "confirm_container", "judge_new_container"]

_POLL = 0.2


@dataclass(frozen=True)
class Verdict:
    """``settled``: no need to look again; then ``reason`` is None for a confirmed container."""

    settled: bool
    reason: str | None = None


_WAIT = Verdict(settled=False)
_CONFIRMED = Verdict(settled=True)


def judge_new_container(
    info: ContainerInfo, *, elapsed: float, confirm_seconds: float, health_timeout: float
) -> Verdict:
    """The decision on one look at the new container, ``elapsed`` seconds after it started."""
    if info.status != "running" or info.restart_count:
        return Verdict(True, _not_running(info.status, info.exit_code, info.restart_count))
    if info.has_healthcheck:
        if info.health == "healthy":
            return _CONFIRMED
        if info.health == "unhealthy":
            probe = f": {info.last_probe}" if info.last_probe else ""
            return Verdict(True, f"the new container is unhealthy{probe}")
        if elapsed >= health_timeout:
            return Verdict(True, f"the new container was not healthy within {health_timeout:g}s")
        return _WAIT
    return _CONFIRMED if elapsed >= confirm_seconds else _WAIT


def confirm_container(
    containers: ContainerOps, *, ref: str, confirm_seconds: float, health_timeout: float
) -> str | None:
    """None when the container is confirmed, else the reason it is not (polled, with deadlines)."""
    started = time.monotonic()
    while True:
        try:
            info = containers.find(ref)
        except ContainerNotFound:
            return "the new container disappeared"
        verdict = judge_new_container(
            info,
            elapsed=time.monotonic() - started,
            confirm_seconds=confirm_seconds,
            health_timeout=health_timeout,
        )
        if verdict.settled:
            return verdict.reason
        time.sleep(_POLL)


def _not_running(status: str, exit_code: int, restarts: int) -> str:
    if restarts and status in ("running", "restarting"):
        return f"the new container restarted {restarts} time(s) (exit code {exit_code})"
    return f"the new container is {status} (exit code {exit_code})"
