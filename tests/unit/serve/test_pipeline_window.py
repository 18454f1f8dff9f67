"""The watch window's verdicts on health samples (no clock: elapsed times are given)."""

from __future__ import annotations

from dockyard.deploy import Health, Target
from dockyard.serve._pipeline import WindowDecision, WindowSample, WindowVerdict, judge_window

WEB = Target.parse({"container": "web"})
WORKERS = Target.parse({"label": "app=worker"})


def health(
    name: str = "web",
    *,
    target: Target = WEB,
    running: bool = True,
    healthy: bool | None = None,
    restarts: int = 0,
) -> Health:
    return Health(target, name, running, healthy, restarts, "sha256:new")


def at(elapsed: float, *items: Health) -> WindowSample:
    return WindowSample(elapsed, items)


def test_no_sample_yet_keeps_watching() -> None:
    assert judge_window([], [health()], window_s=60) == WindowVerdict(WindowDecision.WATCHING)


def test_quiet_samples_inside_the_window_keep_watching() -> None:
    samples = [at(10, health()), at(30, health(healthy=True))]
    verdict = judge_window(samples, [health()], window_s=60)
    assert verdict.decision is WindowDecision.WATCHING


def test_a_quiet_window_that_reached_its_end_is_live() -> None:
    samples = [at(30, health()), at(60, health(healthy=True))]
    assert judge_window(samples, [health()], window_s=60) == WindowVerdict(WindowDecision.LIVE)


def test_a_restart_rolls_back_with_the_count() -> None:
    samples = [at(10, health(restarts=2)), at(20, health(restarts=4))]
    verdict = judge_window(samples, [health(restarts=2)], window_s=60)
    assert verdict.decision is WindowDecision.ROLL_BACK
    assert verdict.reason == "web restarted 2 time(s) 20 s into the watch window"


def test_restarts_before_the_window_are_the_baseline_not_a_problem() -> None:
    samples = [at(60, health(restarts=3))]
    verdict = judge_window(samples, [health(restarts=3)], window_s=60)
    assert verdict.decision is WindowDecision.LIVE


def test_a_stopped_container_rolls_back() -> None:
    verdict = judge_window([at(5, health(running=False))], [health()], window_s=60)
    assert verdict == WindowVerdict(
        WindowDecision.ROLL_BACK, "web is not running 5 s into the watch window"
    )


def test_turning_unhealthy_rolls_back() -> None:
    samples = [at(5, health(healthy=True)), at(15, health(healthy=False))]
    verdict = judge_window(samples, [health()], window_s=60)
    assert verdict.reason == "web turned unhealthy 15 s into the watch window"


def test_starting_without_a_verdict_is_not_unhealthy() -> None:
    verdict = judge_window([at(60, health(healthy=None))], [health()], window_s=60)
    assert verdict.decision is WindowDecision.LIVE


def test_a_vanished_container_rolls_back() -> None:
    verdict = judge_window([at(8)], [health()], window_s=60)
    assert verdict.reason == "web (container web) is gone 8 s into the watch window"


def test_already_down_when_the_window_opens_rolls_back_at_once() -> None:
    verdict = judge_window([], [health(running=False)], window_s=60)
    assert verdict.reason == "web is not running 0 s into the watch window"


def test_each_container_is_compared_with_its_own_baseline() -> None:
    started = [health("w1", target=WORKERS, restarts=5), health("w2", target=WORKERS)]
    quiet = at(30, health("w1", target=WORKERS, restarts=5), health("w2", target=WORKERS))
    assert judge_window([quiet], started, window_s=60).decision is WindowDecision.WATCHING
    w2_restarts = at(
        40, health("w1", target=WORKERS, restarts=5), health("w2", target=WORKERS, restarts=1)
    )
    verdict = judge_window([quiet, w2_restarts], started, window_s=60)
    assert verdict.reason == "w2 restarted 1 time(s) 40 s into the watch window"


def test_the_first_problem_decides_even_when_later_samples_look_fine() -> None:
    samples = [at(10, health(running=False)), at(60, health())]
    verdict = judge_window(samples, [health()], window_s=60)
    assert verdict.decision is WindowDecision.ROLL_BACK
    assert verdict.reason == "web is not running 10 s into the watch window"
