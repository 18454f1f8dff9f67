"""The one rollout executor: observe and judge until settled, or say for how long it waited."""

from __future__ import annotations

from dockyard.update._services import Rollout, settle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_it_returns_the_first_settled_judgement_and_what_was_seen() -> None:
    clock = Clock()
    answers = iter([Rollout.IN_PROGRESS, Rollout.IN_PROGRESS, Rollout.CONVERGED])
    seen: list[int] = []

    def observe() -> tuple[Rollout, str, int]:
        seen.append(len(seen))
        return next(answers), "2/2 updated", len(seen)

    result = settle(observe, timeout=10, poll=0.5, sleep=clock.sleep, clock=clock)

    assert result == (Rollout.CONVERGED, "2/2 updated", 3)
    assert clock.now == 1.0  # two polls waited, none after the judgement


def test_a_rollout_that_never_settles_ends_at_the_timeout_saying_so() -> None:
    clock = Clock()
    outcome, message, _ = settle(
        lambda: (Rollout.IN_PROGRESS, "1/2 updated", None),
        timeout=3,
        poll=1,
        sleep=clock.sleep,
        clock=clock,
    )
    assert (outcome, message) == (Rollout.IN_PROGRESS, "1/2 updated after 3s")
    assert clock.now == 3
