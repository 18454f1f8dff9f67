"""Live health of the deploy targets: the summary per target (pure), and the monitor that
samples only while someone looks, over an in-memory deploy core."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dockyard.deploy import Target
from dockyard.errors import EngineUnavailable
from dockyard.serve._config import ServeConfig
from dockyard.serve._health import AppHealth, HealthMonitor, HealthState, TargetHealth, summarize
from tests.conftest import wait_until

WEB = Target.parse({"container": "web"})
API = Target.parse({"swarm_service": "api"})
GONE = Target.parse({"label": "app=gone"})


@dataclass(frozen=True)
class Sample:
    target: Target
    name: str
    running: bool
    healthy: bool | None
    restarts: int = 0
    image: str = "sha256:" + "a" * 64


def test_each_target_takes_its_worst_containers_state_and_counts_restarts() -> None:
    samples = [
        Sample(WEB, "web-1", running=True, healthy=True),
        Sample(WEB, "web-2", running=True, healthy=False, restarts=2),
        Sample(API, "api", running=True, healthy=None, restarts=1),
    ]
    web, api, gone = summarize([WEB, API, GONE], samples)
    assert web == TargetHealth(WEB, ("web-1", "web-2"), HealthState.UNHEALTHY, 2, 2, 2)
    assert api == TargetHealth(API, ("api",), HealthState.RUNNING, 1, 1, 1)
    assert gone == TargetHealth(GONE, (), HealthState.MISSING, 0, 0, 0)


def test_a_stopped_container_is_worse_than_an_unhealthy_one() -> None:
    samples = [
        Sample(WEB, "web-1", running=True, healthy=False),
        Sample(WEB, "web-2", running=False, healthy=None),
    ]
    (web,) = summarize([WEB], samples)
    assert (web.state, web.running, web.total) == (HealthState.STOPPED, 1, 2)


class Sampler:
    """The deploy core's ``health``, answering what the test sets."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.error: Exception | None = None
        self.calls = 0
        self.called = threading.Event()

    def health(self, targets: Sequence[Target]) -> Sequence[Sample]:
        self.calls += 1
        self.called.set()
        if self.error is not None:
            raise self.error
        return [s for s in self.samples if s.target in targets]


def _config(tmp_path: Path, *, deploy: bool = True) -> ServeConfig:
    app = {"repo": "http://127.0.0.1:9/web.git", "image": "127.0.0.1:5000/web"}
    return ServeConfig.model_validate(
        {
            "state_dir": str(tmp_path),
            "apps": {
                "web": {**app, "deploy": [{"container": "web"}] if deploy else []},
                "docs": app,
            },
        }
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_version_moves_only_when_what_a_page_shows_changes(tmp_path: Path) -> None:
    sampler, clock = Sampler(), Clock()
    monitor = HealthMonitor(_config(tmp_path).apps, sampler, clock=clock)
    sampler.samples = [Sample(WEB, "web", running=True, healthy=True)]
    assert (monitor.latest("web"), monitor.version()) == (None, 0)
    monitor.sample()
    first = monitor.latest("web")
    assert first is not None
    assert first.targets[0].state is HealthState.HEALTHY
    assert monitor.version() == 1
    clock.now += 30
    monitor.sample()  # the same answer later: only the time of the check moves
    again = monitor.latest("web")
    assert again is not None
    assert again.checked_at == 1030.0
    assert monitor.version() == 1
    sampler.samples = [Sample(WEB, "web", running=True, healthy=False, restarts=1)]
    monitor.sample()
    assert monitor.version() == 2
    assert monitor.latest("docs") is None  # no deploy targets: never sampled


def test_an_engine_that_does_not_answer_is_shown_as_its_error_line(tmp_path: Path) -> None:
    sampler = Sampler()
    sampler.error = EngineUnavailable("the engine at unix:///run/docker.sock does not answer")
    monitor = HealthMonitor(_config(tmp_path).apps, sampler, clock=Clock())
    monitor.sample()
    assert monitor.latest("web") == AppHealth(
        1000.0, (), error="the engine at unix:///run/docker.sock does not answer"
    )


def test_nothing_is_sampled_until_someone_looks_and_sampling_stops_after(tmp_path: Path) -> None:
    sampler, clock = Sampler(), Clock()
    monitor = HealthMonitor(
        _config(tmp_path).apps, sampler, interval_s=0.01, linger_s=60, clock=clock
    )
    monitor.start()
    try:
        assert not sampler.called.wait(0.2)  # nobody looked
        monitor.want()
        wait_until(lambda: monitor.latest("web"), timeout=10, what="a sample after a look")
        clock.now += 61  # nobody looked for longer than linger_s
        wait_until(lambda: not _still_sampling(sampler), timeout=10, what="the sampling to stop")
    finally:
        monitor.stop()


def _still_sampling(sampler: Sampler) -> bool:
    before = sampler.calls
    threading.Event().wait(0.1)
    return sampler.calls != before


def test_without_deploy_targets_there_is_no_thread_and_a_look_is_free(tmp_path: Path) -> None:
    sampler = Sampler()
    monitor = HealthMonitor(_config(tmp_path, deploy=False).apps, sampler)
    assert not monitor.watched
    monitor.start()
    monitor.want()
    monitor.stop()
    assert sampler.calls == 0
