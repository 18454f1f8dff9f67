"""The durable inbox: every delivery is stored before it is answered, and carried out once.

Decisions are pure functions over rows of the store:

- :func:`decide_accept`: a new delivery is a duplicate (its id was seen, ever), replaces the
  app's queued one (coalescing: the newest wins), is refused because the queue is full (429), or
  is queued;
- :func:`pick_next`: which queued deliveries start now (one job per app, ``max_builds`` in all);
- :func:`decide_head`: build the head ``git ls-remote`` reported, or skip it (already live);
- :func:`plan_recovery`: after a crash, what each delivery that was running becomes.

:class:`Inbox` carries them out: a scheduler thread starts one worker thread per job; a worker
asks for the branch head, records a build and hands it to the pipeline with a :class:`StoreSink`.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from dockyard._memory import release_memory
from dockyard.errors import DockyardError
from dockyard.secrets import redact
from dockyard.serve._config import App, ServeConfig
from dockyard.serve._hooks import matches_paths
from dockyard.serve._pipeline import Stage
from dockyard.serve._store import (
    FINAL_STAGES,
    Build,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DeploymentStatus,
    Store,
)

__all__ = [
    "RETRY_AFTER_S",
    "Accept",
    "AcceptOutcome",
    "HeadDecision",
    "Inbox",
    "Recovery",
    "RecoveryAction",
    "Runner",
    "StoreSink",
    "decide_accept",
    "decide_head",
    "pick_next",
    "plan_recovery",
]

log = logging.getLogger("dockyard.serve")

RETRY_AFTER_S = 60


class AcceptOutcome(enum.Enum):
    QUEUED = "queued"  # 202
    DUPLICATE = "duplicate"  # 200: seen before, nothing done
    FULL = "full"  # 429 + Retry-After: not stored, the sender retries


@dataclass(frozen=True)
class Accept:
    outcome: AcceptOutcome
    supersede: tuple[str, ...] = ()


def decide_accept(
    *,
    seen: bool,
    queued_for_app: Sequence[Delivery],
    waiting: int,
    queue_limit: int,
) -> Accept:
    """What to do with a new delivery for an app.

    ``seen``: its id is in the store; ``queued_for_app``: the app's deliveries still waiting;
    ``waiting``: how many wait over all apps. A delivery that replaces a queued one adds nothing
    to the queue, so only one that would lengthen it can find it full.
    """
    if seen:
        return Accept(AcceptOutcome.DUPLICATE)
    replaced = tuple(d.id for d in queued_for_app)
    if not replaced and waiting >= queue_limit:
        return Accept(AcceptOutcome.FULL)
    return Accept(AcceptOutcome.QUEUED, supersede=replaced)


def pick_next(
    queued: Sequence[Delivery], *, running_apps: set[str], free_slots: int
) -> list[Delivery]:
    """The deliveries to start now, oldest first: one per app that runs nothing, at most
    ``free_slots`` in all."""
    chosen: list[Delivery] = []
    busy = set(running_apps)
    for delivery in sorted(queued, key=lambda d: (d.received_at, d.id)):
        if len(chosen) >= free_slots:
            break
        if delivery.app in busy:
            continue
        busy.add(delivery.app)
        chosen.append(delivery)
    return chosen


@dataclass(frozen=True)
class HeadDecision:
    build: bool
    reason: str | None


def decide_head(
    head: str,
    *,
    live_commit: str | None,
    forced: bool,
    paths: Sequence[str] = (),
    changed: Sequence[str] | None = None,
    since: str | None = None,
) -> HeadDecision:
    """Build ``head``, unless it is what already runs, or none of the files ``changed`` since
    the commit ``since`` (the live one by default) matches the app's ``paths`` (a forced deploy
    builds it anyway; ``changed`` None: not known, so built)."""
    if forced:
        return HeadDecision(True, None)
    if head == live_commit:
        return HeadDecision(False, f"{head[:12]} is already live")
    since = since or live_commit
    if paths and changed is not None and since and not matches_paths(paths, changed):
        return HeadDecision(False, f"no changed file since {since[:12]} matches the app's paths")
    return HeadDecision(True, None)


class RecoveryAction(enum.Enum):
    REQUEUE = "requeue"  # accepted, never started: queue it again
    RETRY_BUILD = "retry_build"  # stopped in QUEUED..PUSHING: build the same commit again
    RESUME_DEPLOY = "resume_deploy"  # stopped in DEPLOYING/WATCHING: hand it to the pipeline again
    CLOSE = "close"  # its build had finished: only the delivery's row was left behind


@dataclass(frozen=True)
class Recovery:
    delivery: Delivery
    action: RecoveryAction
    build: Build | None = None


_BUILD_STAGES = frozenset({Stage.QUEUED, Stage.BUILDING, Stage.GATING, Stage.PUSHING})


def plan_recovery(running: Sequence[Delivery], builds: dict[int, Build]) -> list[Recovery]:
    """What each delivery left RUNNING by a crash becomes (``builds`` by id)."""
    plans: list[Recovery] = []
    for delivery in running:
        build = builds.get(delivery.build_id) if delivery.build_id is not None else None
        if build is None:
            plans.append(Recovery(delivery, RecoveryAction.REQUEUE))
        elif build.status in FINAL_STAGES:
            plans.append(Recovery(delivery, RecoveryAction.CLOSE, build))
        elif build.status in _BUILD_STAGES:
            plans.append(Recovery(delivery, RecoveryAction.RETRY_BUILD, build))
        else:
            plans.append(Recovery(delivery, RecoveryAction.RESUME_DEPLOY, build))
    return plans


class Runner(Protocol):
    """The pipeline as the worker sees it (the service binds it to a PipelineContext)."""

    def run_pipeline(
        self, app: App, *, commit: str, sink: StoreSink, previous: str | None
    ) -> Stage: ...

    def run_rollback(self, app: App, *, digest: str, sink: StoreSink) -> Stage: ...

    def head(self, app: App) -> str: ...

    def image_digest(self, app: App) -> str: ...

    def changed_files(self, app: App, *, since: str, commit: str) -> list[str] | None:
        """The files that differ between two commits of the app's repository; None when git
        cannot tell."""
        ...


_DEPLOYMENT_STATUS = {s.value: s for s in DeploymentStatus}


class StoreSink:
    """The pipeline's :class:`~dockyard.serve._pipeline.Sink`, written into the store.

    Log lines are written in batches: at most ``log_delay_s`` after the first one waiting, and
    before anything else the sink writes (a stage, the image, a deployment) or at :meth:`close`.
    A build prints hundreds of lines; one write each would take SQLite's write lock hundreds of
    times and make the server's own writes (a webhook being accepted) wait for it.
    """

    def __init__(
        self,
        store: Store,
        *,
        build_id: int,
        app: str,
        commit: str | None,
        clock: Callable[[], float] = time.time,
        on_stage: Callable[[Stage], None] | None = None,
        log_delay_s: float = 0.25,
    ) -> None:
        self.store = store
        self.build_id = build_id
        self.app = app
        self.commit = commit
        self.clock = clock
        self.last: Stage = Stage.QUEUED
        self._on_stage = on_stage
        self._log_delay_s = log_delay_s
        self._waiting: list[str] = []
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()  # the waiting lines, the timer, and the order of writes

    def stage(self, stage: Stage, *, reason: str | None = None) -> None:
        self.flush()
        self.last = stage
        self.store.set_stage(
            self.build_id,
            stage,
            reason=None if reason is None else redact(reason),
            now=self.clock(),
        )
        if self._on_stage is not None:
            self._on_stage(stage)

    def log(self, line: str) -> None:
        with self._lock:
            self._waiting.append(redact(line))
            if self._timer is None:
                self._timer = threading.Timer(self._log_delay_s, self._flush_later)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Write the waiting log lines now."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            lines, self._waiting = self._waiting, []
            self.store.add_logs(self.build_id, lines)  # under the lock: batches stay in order

    def _flush_later(self) -> None:
        """The timer's flush: a store that fails here keeps the lines for the next write, whose
        error reaches the pipeline."""
        with self._lock:
            self._timer = None
            lines, self._waiting = self._waiting, []
            try:
                self.store.add_logs(self.build_id, lines)
            except DockyardError as exc:
                log.warning("build %s: log lines not written yet: %s", self.build_id, exc)
                self._waiting[:0] = lines

    def close(self) -> None:
        """Write what waits; the sink may still be used after (it starts a new batch)."""
        self.flush()

    def built(
        self,
        *,
        digest: str,
        size_bytes: int,
        findings: list[dict[str, object]],
        subject: str = "",
        author: str = "",
        layers: Mapping[str, object] | None = None,
    ) -> None:
        self.flush()
        self.store.set_built(self.build_id, digest=digest, size_bytes=size_bytes, findings=findings)
        if layers is not None:
            self.store.set_layers(self.build_id, layers)
        if self.commit and (subject or author):
            self.store.record_commit(self.app, self.commit, subject=subject, author=author)

    def rollback_target(self, digest: str) -> None:
        self.flush()
        self.store.set_rollback_to(self.build_id, digest)

    def deployed(
        self,
        *,
        digest: str,
        targets: list[dict[str, object]],
        status: str,
        reason: str | None,
    ) -> None:
        self.flush()
        self.store.add_deployment(
            app=self.app,
            build_id=self.build_id,
            commit=self.commit,
            digest=digest,
            targets=targets,
            status=_DEPLOYMENT_STATUS.get(status, DeploymentStatus.FAILED),
            reason=None if reason is None else redact(reason),
            now=self.clock(),
        )


@dataclass
class _Counters:
    """What /metrics reports; under a lock of their own, so that counting a replay never waits
    for the queue's lock."""

    deliveries: dict[str, int] = field(default_factory=dict)
    builds: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, table: dict[str, int], key: str) -> None:
        with self._lock:
            table[key] = table.get(key, 0) + 1

    def snapshot(self, table: dict[str, int]) -> dict[str, int]:
        with self._lock:
            return dict(table)


class _SeenIds:
    """The ids of the deliveries this server stored or found stored lately (the newest
    ``limit``): a replay of one is a duplicate without a read. Only ids already in the store
    are added, so an id missing here is looked up there."""

    def __init__(self, limit: int = 10_000) -> None:
        self._ids: dict[str, None] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def known(self, delivery_id: str) -> bool:
        return delivery_id in self._ids

    def add(self, delivery_id: str) -> None:
        with self._lock:
            self._ids.pop(delivery_id, None)
            self._ids[delivery_id] = None
            while len(self._ids) > self._limit:
                del self._ids[next(iter(self._ids))]


class Inbox:
    """Accepts deliveries and runs them, one job per app, ``max_builds`` jobs in all."""

    def __init__(
        self,
        store: Store,
        config: ServeConfig,
        runner: Runner,
        *,
        clock: Callable[[], float] = time.time,
        notify: Callable[[str, str], None] | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.runner = runner
        self.clock = clock
        self.notify = notify  # (title, body) after each job's final stage
        self.counters = _Counters()
        self._seen = _SeenIds()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._running: dict[str, threading.Thread] = {}  # app -> worker
        self._resume: dict[str, Build] = {}  # delivery id -> the build to carry on
        self._stopping = False
        self._scheduler: threading.Thread | None = None

    # -- accepting ---------------------------------------------------------------------------

    def replayed(self, delivery_id: str) -> bool:
        """True (and counted as a duplicate) when ``delivery_id`` is one this server stored or
        found stored lately; it touches no store and no lock but the counters', so it may run on
        the event loop. False says nothing: :meth:`accept` or :meth:`record` looks it up."""
        if not self._seen.known(delivery_id):
            return False
        self.counters.add(self.counters.deliveries, AcceptOutcome.DUPLICATE.value)
        return True

    def accept(self, delivery: Delivery) -> Accept:
        """Store a delivery to carry out (202), or say why not (duplicate, full)."""
        if self.replayed(delivery.id):  # most of a burst: no read at all
            return Accept(AcceptOutcome.DUPLICATE)
        with self._lock:
            view = self.store.queue_view(delivery.id, app=delivery.app)
            decision = decide_accept(
                seen=view.seen,
                # A push replaces a queued push, never a queued rollback (nor the reverse).
                queued_for_app=[d for d in view.queued_for_app if d.kind is delivery.kind],
                waiting=view.waiting,
                queue_limit=self.config.queue_limit,
            )
            if decision.outcome is AcceptOutcome.QUEUED:
                stored = self.store.add_delivery(delivery, supersede=decision.supersede)
                if not stored:  # another process stored the same id in between
                    decision = Accept(AcceptOutcome.DUPLICATE)
                else:
                    self._wake.notify_all()
            if decision.outcome is not AcceptOutcome.FULL:
                self._seen.add(delivery.id)  # in the store now
            self.counters.add(self.counters.deliveries, decision.outcome.value)
        return decision

    def record(self, delivery: Delivery) -> bool:
        """Store a delivery that asks for nothing (ignored, with its reason); False: a duplicate."""
        with self._lock:
            stored = self.store.add_delivery(delivery)
            self._seen.add(delivery.id)
            self.counters.add(self.counters.deliveries, "duplicate" if not stored else "ignored")
        return stored

    @property
    def running_apps(self) -> list[str]:
        with self._lock:
            return sorted(self._running)

    # -- recovery ----------------------------------------------------------------------------

    def recover(self) -> list[Recovery]:
        """Put back what a crash left running; call before :meth:`start`."""
        running = self.store.deliveries(statuses=[DeliveryStatus.RUNNING])
        builds = {b.id: b for b in self.store.unfinished_builds()}
        for delivery in running:
            if delivery.build_id is not None and delivery.build_id not in builds:
                found = self.store.get_build(delivery.build_id)
                if found is not None:
                    builds[found.id] = found
        plans = plan_recovery(running, builds)
        for plan in plans:
            delivery = plan.delivery
            if plan.action is RecoveryAction.CLOSE:
                assert plan.build is not None
                self.store.set_delivery(
                    delivery.id,
                    DeliveryStatus.DONE,
                    reason=f"build {plan.build.id}: {plan.build.status.value}",
                )
                continue
            if plan.build is not None:
                self._resume[delivery.id] = plan.build
                what = "retried" if plan.action is RecoveryAction.RETRY_BUILD else "resumed"
                self.store.add_log(
                    plan.build.id,
                    f"dockyard serve restarted during {plan.build.status.value}: {what}",
                )
            self.store.set_delivery(
                delivery.id, DeliveryStatus.QUEUED, reason=f"recovered: {plan.action.value}"
            )
            log.info("recovered delivery %s: %s", delivery.id, plan.action.value)
        return plans

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        self._scheduler = threading.Thread(
            target=self._schedule, name="serve-scheduler", daemon=True
        )
        self._scheduler.start()

    def stop(self, *, timeout: float | None = None) -> bool:
        """Start nothing new and wait for running jobs; True when they all finished."""
        with self._lock:
            self._stopping = True
            self._wake.notify_all()
            workers = list(self._running.values())
        deadline = None if timeout is None else time.monotonic() + timeout
        for worker in workers:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            worker.join(left)
        if self._scheduler is not None:
            self._scheduler.join(5)
        return not any(w.is_alive() for w in workers)

    def wait_idle(self, timeout: float) -> bool:
        """Until nothing is queued or running (for tests and the benchmark)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                idle = not self._running and not self.store.count_deliveries(DeliveryStatus.QUEUED)
            if idle:
                return True
            time.sleep(0.02)
        return False

    def _schedule(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                started = self._start_ready()
                if not started:
                    self._wake.wait(timeout=1.0)

    def _start_ready(self) -> int:
        """Under the lock: start every job that may start now."""
        queued = self.store.deliveries(statuses=[DeliveryStatus.QUEUED])
        ready = pick_next(
            queued,
            running_apps=set(self._running),
            free_slots=self.config.max_builds - len(self._running),
        )
        for delivery in ready:
            self.store.set_delivery(delivery.id, DeliveryStatus.RUNNING, reason=None)
            worker = threading.Thread(
                target=self._work, args=(delivery,), name=f"serve-{delivery.app}", daemon=True
            )
            self._running[delivery.app] = worker
            worker.start()
        return len(ready)

    def _work(self, delivery: Delivery) -> None:
        try:
            status, reason = self._carry_out(delivery)
        except Exception as exc:  # a bug must not kill the worker silently or wedge the app
            log.exception("delivery %s failed", delivery.id)
            status, reason = DeliveryStatus.FAILED, redact(f"internal error: {exc}")
        self.store.set_delivery(delivery.id, status, reason=reason)
        log.info("delivery %s: %s%s", delivery.id, status.value, f" ({reason})" if reason else "")
        with self._lock:
            self._running.pop(delivery.app, None)
            self._wake.notify_all()
            idle = not self._running
        if idle:
            release_memory()  # a build's buffers go back to the system: an idle server stays small

    def _carry_out(self, delivery: Delivery) -> tuple[DeliveryStatus, str | None]:
        app = self.config.apps.get(delivery.app)
        if app is None:
            return DeliveryStatus.FAILED, f"app {delivery.app} is no longer in the config"
        resume = self._resume.pop(delivery.id, None)
        if delivery.kind is DeliveryKind.BUILD:
            return self._build(app, delivery, resume)
        return self._deploy_digest(app, delivery, resume)

    def _live(self, app: str) -> tuple[str | None, str | None]:
        """(commit, digest) of the app's live deployment."""
        for deployment in self.store.deployments(app, limit=20):
            if deployment.status is DeploymentStatus.LIVE:
                return deployment.commit, deployment.digest
        return None, None

    def _last_built(self, app: str) -> str | None:
        """The newest commit of the app that was built and ended live (pushed, and deployed
        when the app has targets)."""
        for build in self.store.builds(app, limit=20):
            if build.status is Stage.LIVE and build.commit:
                return build.commit
        return None

    def _build(
        self, app: App, delivery: Delivery, resume: Build | None
    ) -> tuple[DeliveryStatus, str | None]:
        live_commit, live_digest = self._live(app.name)
        if resume is not None:
            commit, build_id = resume.commit, resume.id
        else:
            try:
                commit = self.runner.head(app)
            except DockyardError as exc:
                return DeliveryStatus.FAILED, redact(f"git ls-remote: {exc}")
            changed, since = None, live_commit
            if delivery.provider == "poll" and app.paths:
                # a polled head comes with no list of changed files: git is asked for one
                since = since or self._last_built(app.name)
                if since not in (None, commit):
                    changed = self.runner.changed_files(app, since=str(since), commit=commit)
            decision = decide_head(
                commit,
                live_commit=live_commit,
                forced=delivery.provider == "api",
                paths=app.paths,
                changed=changed,
                since=since,
            )
            if not decision.build:
                return DeliveryStatus.DONE, decision.reason
            build_id = self.store.add_build(
                app=app.name,
                commit=commit,
                trigger=delivery.provider,
                delivery_id=delivery.id,
                now=self.clock(),
            )
        # A run resumed in its watch window goes back to what its targets ran before it (kept
        # when the window opened), even when nothing of the app was live in the store yet.
        kept = self.store.rollback_to(build_id) if resume is not None else None
        previous = kept or live_digest
        final = self._run(
            app,
            build_id,
            commit,
            lambda sink: self.runner.run_pipeline(app, commit=commit, sink=sink, previous=previous),
        )
        return DeliveryStatus.DONE, f"build {build_id}: {final.value}"

    def _deploy_digest(
        self, app: App, delivery: Delivery, resume: Build | None
    ) -> tuple[DeliveryStatus, str | None]:
        digest: str | None = delivery.digest
        if resume is not None:
            digest = digest or resume.digest
        elif digest is None and delivery.kind is DeliveryKind.IMAGE:
            try:
                digest = self.runner.image_digest(app)
            except DockyardError as exc:
                return DeliveryStatus.FAILED, redact(f"the pushed tag's digest: {exc}")
        if digest is None:
            return DeliveryStatus.FAILED, "no digest to deploy"
        commit = delivery.commit or ""  # a rollback knows the commit it restores; an image not
        if resume is not None:
            build_id = resume.id
        else:
            build_id = self.store.add_build(
                app=app.name,
                commit=commit,
                trigger=delivery.kind.value,
                delivery_id=delivery.id,
                now=self.clock(),
            )
        target = digest
        self.store.set_built(build_id, digest=target, size_bytes=None, findings=[])
        final = self._run(
            app,
            build_id,
            commit or None,
            lambda sink: self.runner.run_rollback(app, digest=target, sink=sink),
        )
        return DeliveryStatus.DONE, f"{delivery.kind.value} {build_id}: {final.value}"

    def _run(
        self, app: App, build_id: int, commit: str | None, body: Callable[[StoreSink], Stage]
    ) -> Stage:
        sink = StoreSink(
            self.store, build_id=build_id, app=app.name, commit=commit, clock=self.clock
        )
        try:
            final = body(sink)
        except DockyardError as exc:
            sink.log(f"error: {exc}")
            final = Stage.FAILED
            sink.stage(Stage.FAILED, reason=str(exc))
        except Exception as exc:  # a bug: the build must not stay "building" forever
            log.exception("build %s of %s", build_id, app.name)
            final = Stage.FAILED
            sink.stage(Stage.FAILED, reason=f"internal error: {type(exc).__name__}: {exc}")
        if sink.last is not final or final not in FINAL_STAGES:
            if final not in FINAL_STAGES:
                final = Stage.FAILED
            sink.stage(final, reason=None if final is not Stage.FAILED else "the pipeline stopped")
        sink.close()
        with self._lock:
            self.counters.add(self.counters.builds, final.value)
        if self.notify is not None:
            self._tell(app, build_id, commit, final)
        return final

    def _tell(self, app: App, build_id: int, commit: str | None, final: Stage) -> None:
        build = self.store.get_build(build_id)
        what = f"{commit[:12]}" if commit else (build.digest or "") if build else ""
        body = f"build {build_id} of {app.name} at {what}: {final.value}"
        if build is not None and build.reason:
            body += f" ({build.reason})"
        assert self.notify is not None
        try:
            self.notify(f"dockyard serve: {app.name} {final.value}", redact(body))
        except Exception:  # a notification service down must not fail the job
            log.warning("notification for build %s could not be sent", build_id, exc_info=True)
