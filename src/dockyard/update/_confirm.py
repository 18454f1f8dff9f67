"""Is the new container good? Running, and healthy when it has a health check.

Without a health check the container must still be running after ``confirm_seconds`` (and not
have restarted). With one, it must report ``healthy`` before ``health_timeout``; ``unhealthy``
fails at once. The state is polled with a deadline, never slept on blindly.
"""

from __future__ import annotations

import time

from dockyard.engine import Engine, find_container
from dockyard.errors import ContainerNotFound

__all__ = ["confirm_container"]

_POLL = 0.2


def confirm_container(
    engine: Engine, *, ref: str, confirm_seconds: float, health_timeout: float
) -> str | None:
    """None when the container is confirmed, else the reason it is not."""
    started = time.monotonic()
    while True:
        try:
            info = find_container(engine, ref=ref)
        except ContainerNotFound:
            return "the new container disappeared"
        restarts = info.restart_count
        elapsed = time.monotonic() - started
        if info.status != "running" or restarts:
            return _not_running(info.status, info.exit_code, restarts)
        if info.has_healthcheck:
            if info.health == "healthy":
                return None
            if info.health == "unhealthy":
                probe = f": {info.last_probe}" if info.last_probe else ""
                return f"the new container is unhealthy{probe}"
            if elapsed >= health_timeout:
                return f"the new container was not healthy within {health_timeout:g}s"
        elif elapsed >= confirm_seconds:
            return None
        time.sleep(_POLL)


def _not_running(status: str, exit_code: int, restarts: int) -> str:
    if restarts and status in ("running", "restarting"):
        return f"the new container restarted {restarts} time(s) (exit code {exit_code})"
    return f"the new container is {status} (exit code {exit_code})"
