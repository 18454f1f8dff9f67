"""The inbox: its pure decisions, and the executor over a real SQLite store with an in-memory
pipeline (a fake with run_pipeline's signature)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from dockyard.errors import SourceError, StoreError
from dockyard.serve import App, ServeConfig
from dockyard.serve._inbox import (
    Accept,
    AcceptOutcome,
    Inbox,
    RecoveryAction,
    StoreSink,
    decide_accept,
    decide_head,
    pick_next,
    plan_recovery,
)
from dockyard.serve._pipeline import Stage
from dockyard.serve._store import (
    Build,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DeploymentStatus,
    QueueView,
    Store,
)

C1, C2, C3 = "1" * 40, "2" * 40, "3" * 40
DIGEST = "sha256:" + "d" * 64


def _delivery(
    delivery_id: str,
    app: str = "web",
    *,
    at: float = 1.0,
    status: DeliveryStatus = DeliveryStatus.QUEUED,
    kind: DeliveryKind = DeliveryKind.BUILD,
    provider: str = "github",
    build_id: int | None = None,
    digest: str | None = None,
    commit: str | None = C1,
) -> Delivery:
    return Delivery(
        id=delivery_id,
        app=app,
        provider=provider,
        kind=kind,
        received_at=at,
        commit=commit,
        status=status,
        reason=None,
        digest=digest,
        build_id=build_id,
    )


def _build(build_id: int, stage: Stage, commit: str = C1) -> Build:
    return Build(
        id=build_id,
        app="web",
        commit=commit,
        trigger="github",
        delivery_id="d",
        status=stage,
        reason=None,
        digest=None,
        size_bytes=None,
        findings=[],
        created_at=1,
        started_at=None,
        finished_at=None,
    )


# -- pure decisions ---------------------------------------------------------------------------


def test_a_seen_delivery_is_a_duplicate_whatever_else() -> None:
    assert decide_accept(seen=True, queued_for_app=[], waiting=1000, queue_limit=1) == Accept(
        AcceptOutcome.DUPLICATE
    )


def test_a_new_delivery_replaces_the_app_s_queued_ones() -> None:
    queued = [_delivery("old")]
    assert decide_accept(seen=False, queued_for_app=queued, waiting=1, queue_limit=5) == Accept(
        AcceptOutcome.QUEUED, supersede=("old",)
    )


def test_a_full_queue_refuses_only_what_would_lengthen_it() -> None:
    full = decide_accept(seen=False, queued_for_app=[], waiting=3, queue_limit=3)
    assert full.outcome is AcceptOutcome.FULL
    replacing = decide_accept(
        seen=False, queued_for_app=[_delivery("old")], waiting=3, queue_limit=3
    )
    assert replacing.outcome is AcceptOutcome.QUEUED


def test_pick_next_runs_one_job_per_app_within_the_global_bound() -> None:
    queued = [
        _delivery("w2", "web", at=3),
        _delivery("a1", "api", at=2),
        _delivery("w1", "web", at=1),
        _delivery("x1", "etl", at=4),
    ]
    assert [d.id for d in pick_next(queued, running_apps=set(), free_slots=2)] == ["w1", "a1"]
    assert [d.id for d in pick_next(queued, running_apps={"web"}, free_slots=5)] == ["a1", "x1"]
    assert pick_next(queued, running_apps=set(), free_slots=0) == []


def test_decide_head() -> None:
    assert decide_head(C1, live_commit=C1, forced=False).reason == "111111111111 is already live"
    assert decide_head(C1, live_commit=C1, forced=True).build
    assert decide_head(C2, live_commit=C1, forced=False).build
    assert decide_head(C2, live_commit=None, forced=False).build


def test_decide_head_with_paths() -> None:
    paths = ("web/**",)
    outside = decide_head(C2, live_commit=C1, forced=False, paths=paths, changed=["api/main.go"])
    assert outside.reason == "no changed file since 111111111111 matches the app's paths"
    assert decide_head(C2, live_commit=C1, forced=False, paths=paths, changed=["web/a.py"]).build
    assert decide_head(C2, live_commit=C1, forced=False, paths=paths, changed=None).build
    assert decide_head(C2, live_commit=C1, forced=True, paths=paths, changed=["api/x"]).build
    assert decide_head(C2, live_commit=None, forced=False, paths=paths, changed=["api/x"]).build
    assert decide_head(C2, live_commit=C1, forced=False, changed=["api/x"]).build  # no paths
    pushed_only = decide_head(C3, live_commit=None, forced=False, paths=paths, changed=[], since=C2)
    assert pushed_only.reason == "no changed file since 222222222222 matches the app's paths"


@pytest.mark.parametrize(
    ("build", "action"),
    [
        pytest.param(None, RecoveryAction.REQUEUE, id="not-started"),
        pytest.param(_build(7, Stage.QUEUED), RecoveryAction.RETRY_BUILD, id="queued"),
        pytest.param(_build(7, Stage.BUILDING), RecoveryAction.RETRY_BUILD, id="building"),
        pytest.param(_build(7, Stage.GATING), RecoveryAction.RETRY_BUILD, id="gating"),
        pytest.param(_build(7, Stage.PUSHING), RecoveryAction.RETRY_BUILD, id="pushing"),
        pytest.param(_build(7, Stage.DEPLOYING), RecoveryAction.RESUME_DEPLOY, id="deploying"),
        pytest.param(_build(7, Stage.WATCHING), RecoveryAction.RESUME_DEPLOY, id="watching"),
        pytest.param(_build(7, Stage.LIVE), RecoveryAction.CLOSE, id="finished"),
        pytest.param(_build(7, Stage.FAILED), RecoveryAction.CLOSE, id="failed"),
    ],
)
def test_plan_recovery(build: Build | None, action: RecoveryAction) -> None:
    delivery = _delivery("d", status=DeliveryStatus.RUNNING, build_id=7 if build else None)
    builds = {7: build} if build else {}
    (plan,) = plan_recovery([delivery], builds)
    assert plan.action is action
    assert plan.build == build


# -- the executor, with a fake pipeline -------------------------------------------------------


class FakeRunner:
    """run_pipeline's and run_rollback's signatures; reports stages like the real one."""

    def __init__(self, heads: dict[str, str]) -> None:
        self.heads = heads
        self.runs: list[tuple[str, str, str | None]] = []  # (app, commit or digest, previous)
        self.gate: threading.Event | None = None
        self.started = threading.Event()
        self.final = Stage.LIVE
        self.changed: dict[tuple[str, str], list[str]] = {}  # (since, commit): changed files
        self.diffs: list[tuple[str, str]] = []

    def head(self, app: App) -> str:
        if app.name not in self.heads:
            raise SourceError(f"repository not found or not readable: {app.repo}")
        return self.heads[app.name]

    def image_digest(self, app: App) -> str:
        return DIGEST

    def changed_files(self, app: App, *, since: str, commit: str) -> list[str] | None:
        self.diffs.append((since, commit))
        return self.changed.get((since, commit))

    def run_pipeline(
        self, app: App, *, commit: str, sink: StoreSink, previous: str | None
    ) -> Stage:
        self.runs.append((app.name, commit, previous))
        self.started.set()
        sink.stage(Stage.BUILDING)
        sink.log(f"building {commit}")
        if self.gate is not None:
            assert self.gate.wait(10)
        sink.built(digest="sha256:" + commit[0] * 64, size_bytes=100, findings=[])
        sink.stage(Stage.DEPLOYING)
        if self.final is Stage.LIVE:
            sink.deployed(digest="sha256:" + commit[0] * 64, targets=[], status="live", reason=None)
        sink.stage(self.final, reason=None if self.final is Stage.LIVE else "gate: root")
        return self.final

    def run_rollback(self, app: App, *, digest: str, sink: StoreSink) -> Stage:
        self.runs.append((app.name, digest, None))
        sink.stage(Stage.DEPLOYING)
        sink.deployed(digest=digest, targets=[], status="live", reason=None)
        sink.stage(Stage.LIVE)
        return Stage.LIVE


def _config(tmp_path: Path, **extra: object) -> ServeConfig:
    apps = {
        name: {"repo": f"file:///srv/{name}.git", "image": f"127.0.0.1:5000/{name}"}
        for name in ("web", "api")
    }
    return ServeConfig.model_validate({"state_dir": str(tmp_path), "apps": apps} | extra)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()


def _inbox(store: Store, config: ServeConfig, runner: FakeRunner) -> Inbox:
    return Inbox(store, config, runner)  # type: ignore[arg-type]  # FakeRunner's sink is ours


def test_a_delivery_is_built_once_at_the_head_ls_remote_reports(
    store: Store, tmp_path: Path
) -> None:
    runner = FakeRunner({"web": C2})
    inbox = _inbox(store, _config(tmp_path), runner)
    inbox.start()
    # The payload said C1; the worker builds C2, what the branch points at now.
    assert inbox.accept(_delivery("d1", commit=C1)).outcome is AcceptOutcome.QUEUED
    assert inbox.wait_idle(10)
    assert inbox.accept(_delivery("d1")).outcome is AcceptOutcome.DUPLICATE
    assert inbox.wait_idle(10)
    inbox.stop()
    assert runner.runs == [("web", C2, None)]
    (build,) = store.builds("web")
    assert (build.commit, build.status, build.delivery_id) == (C2, Stage.LIVE, "d1")
    assert [line.line for line in store.log_lines(build.id)] == [f"building {C2}"]
    delivery = store.get_delivery("d1")
    assert delivery is not None
    assert (delivery.status, delivery.reason) == (DeliveryStatus.DONE, f"build {build.id}: live")
    (deployment,) = store.deployments("web")
    assert (deployment.commit, deployment.status) == (C2, DeploymentStatus.LIVE)


def test_a_head_already_live_is_not_built_again_unless_asked(store: Store, tmp_path: Path) -> None:
    runner = FakeRunner({"web": C1})
    inbox = _inbox(store, _config(tmp_path), runner)
    inbox.start()
    inbox.accept(_delivery("d1"))
    assert inbox.wait_idle(10)
    inbox.accept(_delivery("d2", at=2))
    assert inbox.wait_idle(10)
    inbox.accept(_delivery("api:1", at=3, provider="api"))
    assert inbox.wait_idle(10)
    inbox.stop()
    assert [commit for _, commit, _ in runner.runs] == [C1, C1]
    second = store.get_delivery("d2")
    assert second is not None
    assert second.reason == "111111111111 is already live"
    # The forced one rolls back to the live digest if its watch window fails.
    assert runner.runs[1][2] == "sha256:" + "1" * 64


def test_a_polled_head_that_changes_no_file_under_paths_is_not_built(
    store: Store, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    web = config.apps["web"].model_copy(update={"paths": ("web/**",)})
    config = config.model_copy(update={"apps": {**config.apps, "web": web}})
    runner = FakeRunner({"web": C1})
    runner.changed = {(C1, C2): ["api/main.go", "README.md"], (C1, C3): ["web/app.py"]}
    inbox = _inbox(store, config, runner)
    inbox.start()
    inbox.accept(_delivery(f"poll:web:{C1}", provider="poll"))  # nothing live yet: built
    assert inbox.wait_idle(10)
    runner.heads["web"] = C2
    inbox.accept(_delivery(f"poll:web:{C2}", at=2, provider="poll", commit=C2))
    assert inbox.wait_idle(10)
    runner.heads["web"] = C3
    inbox.accept(_delivery(f"poll:web:{C3}", at=3, provider="poll", commit=C3))
    assert inbox.wait_idle(10)
    inbox.stop()
    assert [commit for _, commit, _ in runner.runs] == [C1, C3]
    assert runner.diffs == [(C1, C2), (C1, C3)]  # asked only once something is live
    skipped = store.get_delivery(f"poll:web:{C2}")
    assert skipped is not None
    assert (skipped.status, skipped.reason) == (
        DeliveryStatus.DONE,
        "no changed file since 111111111111 matches the app's paths",
    )


def test_newer_deliveries_replace_a_queued_one_while_the_app_builds(
    store: Store, tmp_path: Path
) -> None:
    runner = FakeRunner({"web": C1})
    runner.gate = threading.Event()
    inbox = _inbox(store, _config(tmp_path), runner)
    inbox.start()
    inbox.accept(_delivery("d1", at=1))
    assert runner.started.wait(10)
    runner.heads["web"] = C3
    for number in range(2, 6):
        inbox.accept(_delivery(f"d{number}", at=number))
    runner.gate.set()
    assert inbox.wait_idle(10)
    inbox.stop()
    assert [commit for _, commit, _ in runner.runs] == [C1, C3]
    statuses = {d.id: d.status for d in store.deliveries()}
    assert statuses == {
        "d1": DeliveryStatus.DONE,
        "d2": DeliveryStatus.SUPERSEDED,
        "d3": DeliveryStatus.SUPERSEDED,
        "d4": DeliveryStatus.SUPERSEDED,
        "d5": DeliveryStatus.DONE,
    }


def test_past_the_queue_limit_a_delivery_is_refused_and_not_stored(
    store: Store, tmp_path: Path
) -> None:
    inbox = _inbox(store, _config(tmp_path, queue_limit=1), FakeRunner({}))
    # Not started: deliveries wait.
    assert inbox.accept(_delivery("w", "web")).outcome is AcceptOutcome.QUEUED
    assert inbox.accept(_delivery("a", "api")).outcome is AcceptOutcome.FULL
    assert store.get_delivery("a") is None
    assert inbox.accept(_delivery("w2", "web", at=2)).outcome is AcceptOutcome.QUEUED


def test_max_builds_bounds_the_jobs_running_at_once(store: Store, tmp_path: Path) -> None:
    runner = FakeRunner({"web": C1, "api": C2})
    runner.gate = threading.Event()
    inbox = _inbox(store, _config(tmp_path, max_builds=1), runner)
    inbox.start()
    inbox.accept(_delivery("w", "web", at=1))
    inbox.accept(_delivery("a", "api", at=2))
    assert runner.started.wait(10)
    assert inbox.running_apps == ["web"]
    api = store.get_delivery("a")
    assert api is not None
    assert api.status is DeliveryStatus.QUEUED
    runner.gate.set()
    assert inbox.wait_idle(10)
    inbox.stop()
    assert [app for app, _, _ in runner.runs] == ["web", "api"]


def test_ls_remote_failing_fails_the_delivery_with_its_reason(store: Store, tmp_path: Path) -> None:
    inbox = _inbox(store, _config(tmp_path), FakeRunner({}))
    inbox.start()
    inbox.accept(_delivery("d1"))
    assert inbox.wait_idle(10)
    inbox.stop()
    delivery = store.get_delivery("d1")
    assert delivery is not None
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.reason == (
        "git ls-remote: repository not found or not readable: file:///srv/web.git"
    )
    assert store.builds("web") == []


def test_a_failed_pipeline_is_recorded_with_its_reason(store: Store, tmp_path: Path) -> None:
    runner = FakeRunner({"web": C1})
    runner.final = Stage.FAILED
    inbox = _inbox(store, _config(tmp_path), runner)
    inbox.start()
    inbox.accept(_delivery("d1"))
    assert inbox.wait_idle(10)
    inbox.stop()
    (build,) = store.builds("web")
    assert (build.status, build.reason) == (Stage.FAILED, "gate: root")
    assert store.deployments("web") == []


def test_recovery_retries_an_interrupted_build_of_the_same_commit_in_the_same_record(
    store: Store, tmp_path: Path
) -> None:
    # What a SIGKILL during BUILDING leaves behind.
    store.add_delivery(_delivery("d1"))
    build_id = store.add_build(app="web", commit=C1, trigger="github", delivery_id="d1", now=1)
    store.set_stage(build_id, Stage.BUILDING, reason=None, now=2)
    store.set_delivery("d1", DeliveryStatus.RUNNING)
    # A never-started one, and one whose build had finished.
    store.add_delivery(_delivery("a1", "api", status=DeliveryStatus.RUNNING))
    runner = FakeRunner({"web": C3, "api": C2})  # the branch moved on meanwhile
    inbox = _inbox(store, _config(tmp_path), runner)
    plans = inbox.recover()
    assert sorted((p.delivery.id, p.action) for p in plans) == [
        ("a1", RecoveryAction.REQUEUE),
        ("d1", RecoveryAction.RETRY_BUILD),
    ]
    inbox.start()
    assert inbox.wait_idle(10)
    inbox.stop()
    assert sorted(runner.runs) == [("api", C2, None), ("web", C1, None)]
    (build,) = store.builds("web")
    assert (build.id, build.status) == (build_id, Stage.LIVE)
    assert store.log_lines(build_id)[0].line == "dockyard serve restarted during building: retried"
    assert {d.status for d in store.deliveries()} == {DeliveryStatus.DONE}


def test_recovery_hands_an_interrupted_deploy_back_to_the_pipeline(
    store: Store, tmp_path: Path
) -> None:
    store.add_delivery(_delivery("d1"))
    build_id = store.add_build(app="web", commit=C1, trigger="github", delivery_id="d1", now=1)
    store.set_stage(build_id, Stage.WATCHING, reason=None, now=2)
    store.set_delivery("d1", DeliveryStatus.RUNNING)
    runner = FakeRunner({"web": C1})
    inbox = _inbox(store, _config(tmp_path), runner)
    assert [p.action for p in inbox.recover()] == [RecoveryAction.RESUME_DEPLOY]
    inbox.start()
    assert inbox.wait_idle(10)
    inbox.stop()
    assert runner.runs == [("web", C1, None)]
    assert store.get_build(build_id).status is Stage.LIVE  # type: ignore[union-attr]


def test_a_deploy_resumed_in_its_window_rolls_back_to_what_its_targets_ran_before(
    store: Store, tmp_path: Path
) -> None:
    # The app's first deployment here: nothing live in the store, only what the window kept.
    before = "sha256:" + "0" * 64
    store.add_delivery(_delivery("d1"))
    build_id = store.add_build(app="web", commit=C1, trigger="github", delivery_id="d1", now=1)
    store.set_rollback_to(build_id, before)
    store.set_stage(build_id, Stage.WATCHING, reason=None, now=2)
    store.set_delivery("d1", DeliveryStatus.RUNNING)
    runner = FakeRunner({"web": C1})
    inbox = _inbox(store, _config(tmp_path), runner)
    assert [p.action for p in inbox.recover()] == [RecoveryAction.RESUME_DEPLOY]
    inbox.start()
    assert inbox.wait_idle(10)
    inbox.stop()
    assert runner.runs == [("web", C1, before)]


def test_a_rollback_job_deploys_the_digest_it_names(store: Store, tmp_path: Path) -> None:
    runner = FakeRunner({"web": C1})
    inbox = _inbox(store, _config(tmp_path), runner)
    inbox.start()
    inbox.accept(_delivery("rollback:1", kind=DeliveryKind.ROLLBACK, provider="api", digest=DIGEST))
    inbox.accept(
        _delivery("registry:1", "api", kind=DeliveryKind.IMAGE, provider="registry", commit=None)
    )
    assert inbox.wait_idle(10)
    inbox.stop()
    assert sorted(runner.runs) == [("api", DIGEST, None), ("web", DIGEST, None)]
    (build,) = store.builds("web")
    assert (build.trigger, build.digest, build.status) == ("rollback", DIGEST, Stage.LIVE)
    (deployment,) = store.deployments("web")
    assert (deployment.digest, deployment.commit) == (DIGEST, C1)


def test_a_bug_in_the_pipeline_fails_the_build_instead_of_leaving_it_running(
    store: Store, tmp_path: Path
) -> None:
    runner = FakeRunner({"web": C1})

    def broken(app: App, *, commit: str, sink: StoreSink, previous: str | None) -> Stage:
        sink.stage(Stage.BUILDING)
        raise RuntimeError("boom")

    runner.run_pipeline = broken  # type: ignore[method-assign]
    inbox = _inbox(store, _config(tmp_path), runner)
    inbox.start()
    inbox.accept(_delivery("d1"))
    assert inbox.wait_idle(10)
    inbox.stop()
    (build,) = store.builds("web")
    assert (build.status, build.reason) == (Stage.FAILED, "internal error: RuntimeError: boom")
    assert store.get_delivery("d1").status is DeliveryStatus.DONE  # type: ignore[union-attr]


def test_a_push_does_not_replace_a_queued_rollback(store: Store, tmp_path: Path) -> None:
    inbox = _inbox(store, _config(tmp_path), FakeRunner({}))  # not started: all wait
    inbox.accept(_delivery("rb", kind=DeliveryKind.ROLLBACK, provider="api", digest=DIGEST))
    inbox.accept(_delivery("p1", at=2))
    inbox.accept(_delivery("p2", at=3))
    statuses = {d.id: d.status for d in store.deliveries()}
    assert statuses == {
        "rb": DeliveryStatus.QUEUED,
        "p1": DeliveryStatus.SUPERSEDED,
        "p2": DeliveryStatus.QUEUED,
    }


class CountingStore(Store):
    """The real store, counting the reads of one delivery."""

    lookups = 0

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        self.lookups += 1
        return super().get_delivery(delivery_id)

    def queue_view(self, delivery_id: str, *, app: str) -> QueueView:
        self.lookups += 1
        return super().queue_view(delivery_id, app=app)


def test_a_replay_of_a_delivery_stored_here_is_answered_without_reading_the_store(
    tmp_path: Path, store_url: str
) -> None:
    url = store_url
    Store.open(url).close()  # migrated
    store = CountingStore(Store.open(url)._engine, url=url)
    try:
        inbox = _inbox(store, _config(tmp_path, queue_limit=1), FakeRunner({}))
        assert inbox.accept(_delivery("d1")).outcome is AcceptOutcome.QUEUED
        assert inbox.accept(_delivery("d2", "api")).outcome is AcceptOutcome.FULL
        before = store.lookups
        for _ in range(3):
            assert inbox.accept(_delivery("d1")).outcome is AcceptOutcome.DUPLICATE
        assert store.lookups == before
        # A refused delivery was never stored: its retry is looked up, and still refused.
        assert inbox.accept(_delivery("d2", "api")).outcome is AcceptOutcome.FULL
        assert store.lookups > before
        # One stored before this server started (another process, or before a restart) is
        # found in the store, and known from then on.
        other = Store.open(url)
        assert other.add_delivery(_delivery("d3", "api"))
        other.close()
        assert inbox.accept(_delivery("d3", "api")).outcome is AcceptOutcome.DUPLICATE
        seen = store.lookups
        assert inbox.accept(_delivery("d3", "api")).outcome is AcceptOutcome.DUPLICATE
        assert store.lookups == seen
        assert inbox.counters.snapshot(inbox.counters.deliveries) == {
            "queued": 1,
            "full": 2,
            "duplicate": 5,
        }
    finally:
        store.close()


def test_a_sink_writes_its_waiting_log_lines_before_each_stage(store: Store) -> None:
    build_id = store.add_build(app="web", commit=C1, trigger="github", delivery_id=None, now=1.0)
    sink = StoreSink(store, build_id=build_id, app="web", commit=C1, log_delay_s=3600)
    sink.log("step 1/2")
    sink.log("step 2/2 from https://bot:s3cret@git.example/web.git")
    assert store.log_lines(build_id) == []  # waiting for the batch (an hour here)
    sink.stage(Stage.BUILDING)
    assert [line.line for line in store.log_lines(build_id)] == [
        "step 1/2",
        "step 2/2 from https://***@git.example/web.git",
    ]
    sink.log("pushed")
    sink.close()
    assert [line.line for line in store.log_lines(build_id)][-1] == "pushed"


def test_a_waiting_log_line_is_written_without_a_stage_after_it(store: Store) -> None:
    build_id = store.add_build(app="web", commit=C1, trigger="github", delivery_id=None, now=1.0)
    sink = StoreSink(store, build_id=build_id, app="web", commit=C1, log_delay_s=0.01)
    for number in range(50):
        sink.log(f"line {number}")
    deadline = time.monotonic() + 30
    while len(store.log_lines(build_id)) < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [line.line for line in store.log_lines(build_id)] == [f"line {n}" for n in range(50)]


class FlakyLogStore(Store):
    """The real store, whose first write of log lines fails (the database away a moment)."""

    failed = False

    def add_logs(self, build_id: int, lines: Sequence[str]) -> None:
        if lines and not self.failed:
            self.failed = True
            raise StoreError("the database at serve.db is not reachable: disk I/O error")
        super().add_logs(build_id, lines)


def test_log_lines_the_timer_could_not_write_are_written_with_the_next_stage(
    tmp_path: Path, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = store_url
    Store.open(url).close()  # migrated
    store = FlakyLogStore(Store.open(url)._engine, url=url)
    try:
        build_id = store.add_build(
            app="web", commit=C1, trigger="github", delivery_id=None, now=1.0
        )
        sink = StoreSink(store, build_id=build_id, app="web", commit=C1, log_delay_s=0.01)
        sink.log("step 1/2")
        deadline = time.monotonic() + 30
        while not store.failed and time.monotonic() < deadline:
            time.sleep(0.01)
        assert store.failed
        sink.log("step 2/2")
        sink.stage(Stage.BUILDING)
        assert [line.line for line in store.log_lines(build_id)] == ["step 1/2", "step 2/2"]
        assert "log lines not written yet: the database at serve.db" in caplog.text
    finally:
        store.close()
