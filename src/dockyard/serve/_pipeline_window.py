"""The watch window after a deploy: a pure verdict on the health samples taken so far.

:func:`judge_window` compares every sample with the one taken when the window opened and says
whether to keep watching, to call the deployment live, or to roll it back (and why). The
pipeline's executor only takes samples, waits, and acts on the verdict.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from dockyard.deploy import Target

__all__ = ["HealthLike", "WindowDecision", "WindowSample", "WindowVerdict", "judge_window"]


class HealthLike(Protocol):
    """What the window reads of one deployed thing (:class:`dockyard.deploy.Health`)."""

    @property
    def target(self) -> Target: ...

    @property
    def name(self) -> str: ...

    @property
    def running(self) -> bool: ...

    @property
    def healthy(self) -> bool | None: ...

    @property
    def restarts(self) -> int: ...


class WindowDecision(enum.Enum):
    WATCHING = "watching"  # nothing wrong yet, the window is still open
    LIVE = "live"  # the window closed with nothing wrong
    ROLL_BACK = "roll_back"  # something restarted, stopped, vanished or turned unhealthy


@dataclass(frozen=True)
class WindowSample:
    """The health of every deployed thing, ``elapsed_s`` seconds after the window opened."""

    elapsed_s: float
    health: Sequence[HealthLike]


@dataclass(frozen=True)
class WindowVerdict:
    decision: WindowDecision
    reason: str | None = None


def judge_window(
    samples: Sequence[WindowSample], started: Sequence[HealthLike], *, window_s: float
) -> WindowVerdict:
    """The verdict on ``samples`` (in the order taken), against ``started``: the health taken
    right after the deploy, whose restart counts are the baseline. The first problem found
    decides; a window with no problem is live once a sample was taken at its end or later."""
    baseline = {(h.target, h.name): h.restarts for h in started}
    problem = _problem(WindowSample(0.0, started), baseline)
    if problem is not None:
        return WindowVerdict(WindowDecision.ROLL_BACK, problem)
    for sample in samples:
        for health in sample.health:
            baseline.setdefault((health.target, health.name), health.restarts)
        problem = _problem(sample, baseline)
        if problem is not None:
            return WindowVerdict(WindowDecision.ROLL_BACK, problem)
    if samples and samples[-1].elapsed_s >= window_s:
        return WindowVerdict(WindowDecision.LIVE)
    return WindowVerdict(WindowDecision.WATCHING)


def _problem(sample: WindowSample, baseline: dict[tuple[Target, str], int]) -> str | None:
    when = f"{sample.elapsed_s:.0f} s into the watch window"
    seen = {(h.target, h.name) for h in sample.health}
    for target, name in baseline:
        if (target, name) not in seen:
            return f"{name} ({target}) is gone {when}"
    for health in sample.health:
        before = baseline[(health.target, health.name)]
        if health.restarts > before:
            return f"{health.name} restarted {health.restarts - before} time(s) {when}"
        if not health.running:
            return f"{health.name} is not running {when}"
        if health.healthy is False:
            return f"{health.name} turned unhealthy {when}"
    return None
