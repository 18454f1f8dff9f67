"""Live health of every app's deploy targets, for the dashboard's overview.

The deploy core answers how each target's containers (tasks, pods) are doing now
(:meth:`dockyard.deploy.Deployer.health`); :func:`summarize` turns those samples into one state
per target, a pure function. :class:`HealthMonitor` asks only while someone looks: a page or
its live-update stream marks the health as wanted, and a background thread samples every
``interval_s`` for ``linger_s`` after the last look. An idle server with nobody on its
dashboard never connects to the engine for it.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from dockyard.deploy import Target
from dockyard.errors import DockyardError
from dockyard.secrets import redact
from dockyard.serve._config import App
from dockyard.serve._pipeline_window import HealthLike

__all__ = [
    "AppHealth",
    "HealthMonitor",
    "HealthSampler",
    "HealthState",
    "TargetHealth",
    "summarize",
]

log = logging.getLogger("dockyard.serve.health")


class HealthState(enum.Enum):
    """Worst first: a target with several containers takes its worst one's state."""

    MISSING = "missing"  # nothing runs for the target
    STOPPED = "stopped"
    UNHEALTHY = "unhealthy"
    RUNNING = "running"  # running; no healthcheck, or none has answered yet
    HEALTHY = "healthy"


_ORDER = list(HealthState)


@dataclass(frozen=True)
class TargetHealth:
    target: Target
    names: tuple[str, ...]  # what it resolved to: container, service or Deployment names
    state: HealthState
    restarts: int
    running: int  # how many of them run
    total: int


@dataclass(frozen=True)
class AppHealth:
    """One sample of an app's targets; ``error`` when the engine or cluster did not answer."""

    checked_at: float
    targets: tuple[TargetHealth, ...]
    error: str | None = None

    def same_as(self, other: AppHealth | None) -> bool:
        """Looks the same on a page (the time of the check aside)."""
        return other is not None and (self.targets, self.error) == (other.targets, other.error)


def _state(sample: HealthLike) -> HealthState:
    if not sample.running:
        return HealthState.STOPPED
    if sample.healthy is None:
        return HealthState.RUNNING
    return HealthState.HEALTHY if sample.healthy else HealthState.UNHEALTHY


def summarize(targets: Sequence[Target], samples: Sequence[HealthLike]) -> tuple[TargetHealth, ...]:
    """One :class:`TargetHealth` per target, in the order given."""
    summaries = []
    for target in targets:
        mine = [s for s in samples if s.target == target]
        if not mine:
            summaries.append(TargetHealth(target, (), HealthState.MISSING, 0, 0, 0))
            continue
        states = [_state(s) for s in mine]
        summaries.append(
            TargetHealth(
                target=target,
                names=tuple(s.name for s in mine),
                state=min(states, key=_ORDER.index),
                restarts=sum(s.restarts for s in mine),
                running=sum(1 for s in mine if s.running),
                total=len(mine),
            )
        )
    return tuple(summaries)


class HealthSampler(Protocol):
    """What the monitor asks of the deploy core."""

    def health(self, targets: Sequence[Target]) -> Sequence[HealthLike]: ...


class HealthMonitor:
    """Samples the targets of ``apps`` while the dashboard is looked at; thread-safe."""

    def __init__(
        self,
        apps: Mapping[str, App],
        sampler: HealthSampler,
        *,
        interval_s: float = 5.0,
        linger_s: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._targets = {
            name: [Target.parse(entry) for entry in app.deploy]
            for name, app in apps.items()
            if app.deploy
        }
        self._sampler = sampler
        self._interval = interval_s
        self._linger = linger_s
        self._clock = clock
        self._lock = threading.Lock()
        self._latest: dict[str, AppHealth] = {}
        self._version = 0
        self._wanted_at = -1e18
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def watched(self) -> bool:
        """Some app has deploy targets (otherwise there is nothing to sample)."""
        return bool(self._targets)

    def latest(self, app: str) -> AppHealth | None:
        with self._lock:
            return self._latest.get(app)

    def version(self) -> int:
        """Moves whenever some app's health would look different."""
        with self._lock:
            return self._version

    def want(self) -> None:
        """Someone looks: wake the sampler (it samples at once when it was asleep) and keep it
        sampling for ``linger_s``."""
        if not self.watched:
            return
        with self._lock:
            self._wanted_at = self._clock()
        self._wake.set()

    def sample(self) -> None:
        """One sample of every app (the thread's step; tests call it directly)."""
        for app, targets in self._targets.items():
            now = self._clock()
            try:
                found = AppHealth(now, summarize(targets, self._sampler.health(targets)))
            except DockyardError as exc:
                found = AppHealth(now, (), error=redact(str(exc)))
            except Exception as exc:  # the engine client's own errors: shown, never fatal
                log.debug("health of %s", app, exc_info=True)
                found = AppHealth(now, (), error=redact(f"{type(exc).__name__}: {exc}"))
            with self._lock:
                if not found.same_as(self._latest.get(app)):
                    self._version += 1
                self._latest[app] = found

    def start(self) -> None:
        if not self.watched or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="dockyard-health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            while not self._stop.is_set():
                with self._lock:
                    looked = self._clock() - self._wanted_at
                if looked > self._linger:
                    break  # nobody looks any more: sleep until someone does
                self.sample()
                self._stop.wait(self._interval)
