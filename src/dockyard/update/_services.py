"""Swarm services: a new digest of the tag a service follows is rolled out by the manager.

On a swarm manager, ``watch`` follows services the way it follows containers: one HEAD per tag,
the same opt-in/opt-out labels (on the service), ``monitor-only`` the same. A service's task
containers are the service's: they are never replaced one by one (see :mod:`._cycle`).

An update asks the manager for the whole stored spec with only the image changed, pinned by
digest (``repo:tag@sha256:...``) so every node runs the same content, and the registry
credentials forwarded to the nodes. A service without an ``UpdateConfig`` gets safe ones stored
with it (:func:`default_policy`). Then dockyard waits, polling the service and its tasks, until
the rollout converges (:func:`judge_rollout`): ``updated``; the manager rolled back by itself
(``FailureAction: rollback``): ``rolled_back``; it paused, or the tasks never all ran the new
image within the timeout: dockyard asks for the rollback and waits for it: ``rolled_back``; a
rollback that fails: ``failed``. A digest rolled back is not tried again until a newer one is
pushed or dockyard restarts.

The manager keeps the spec, not dockyard: if dockyard or the manager it talks to dies mid-update,
the service is on the old spec or the new one, never on none, and the next cycle reads which.

Decisions are pure functions of what was observed (:func:`decide_service`,
:func:`judge_rollout`, :func:`default_policy`); :class:`ServiceUpdater` carries them out.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, TypeVar

from dockyard.engine import (
    Engine,
    ServiceInspect,
    ServiceSpec,
    TaskInspect,
    UpdatePolicy,
    UpdateStatus,
    inspect_service,
    list_services,
    list_tasks,
    rollback_service,
    update_service_image,
)
from dockyard.errors import DockyardError
from dockyard.update._check import Backoff, CheckResult, DigestSource, check_references
from dockyard.update._labels import label_bool
from dockyard.update._report import ContainerResult, Kind, Status
from dockyard.update._select import Selection, select_services

__all__ = [
    "EngineServices",
    "Rollout",
    "ServiceAction",
    "ServiceDecision",
    "ServiceOps",
    "ServiceSettings",
    "ServiceUpdater",
    "decide_service",
    "default_policy",
    "followed_tag",
    "judge_rollout",
    "settle",
]

log = logging.getLogger("dockyard.watch")
AuthLookup = Callable[[str], Mapping[str, str] | None]


class ServiceAction(enum.Enum):
    FRESH = "fresh"  # the service runs the tag's current digest
    SKIP = "skip"  # not followed (pinned digest only, monitor-only, a rolled-back digest)
    CHECK_FAILED = "check_failed"  # the registry did not answer: nothing touched
    BUSY = "busy"  # an update or rollback of the service is still running: leave it be
    UPDATE = "update"


@dataclass(frozen=True)
class ServiceDecision:
    action: ServiceAction
    reason: str | None = None
    image: str | None = None  # UPDATE: the pinned reference to roll out


_Seen = TypeVar("_Seen")


class Rollout(enum.Enum):
    IN_PROGRESS = "in_progress"
    CONVERGED = "converged"  # every wanted task runs the new image
    ROLLED_BACK = "rolled_back"  # the manager returned to the previous spec
    PAUSED = "paused"  # the manager stopped the update and waits (FailureAction: pause)
    ROLLBACK_FAILED = "rollback_failed"  # the rollback itself paused


def settle(
    observe: Callable[[], tuple[Rollout, str, _Seen]],
    *,
    timeout: float,
    poll: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> tuple[Rollout, str, _Seen]:
    """The executor of every orchestrated rollout (Swarm services, Kubernetes workloads):
    observe and judge until the judgement is no longer ``IN_PROGRESS``, or ``timeout`` seconds
    have passed (then ``IN_PROGRESS``, the last message saying for how long)."""
    deadline = clock() + timeout
    while True:
        outcome, message, seen = observe()
        if outcome is not Rollout.IN_PROGRESS:
            return outcome, message, seen
        if clock() >= deadline:
            return Rollout.IN_PROGRESS, f"{message} after {timeout:.0f}s", seen
        sleep(poll)


@dataclass(frozen=True)
class ServiceSettings:
    timeout: float = 300.0  # seconds for a rollout (or a rollback) to converge
    poll: float = 0.5
    monitor: timedelta = timedelta(seconds=10)  # default policy: how long each task is watched


def followed_tag(image: str) -> tuple[str, str | None]:
    """The tag a service follows and the digest it is pinned to: ``repo:tag@sha256:..`` gives
    ``("repo:tag", "sha256:..")``; ``repo@sha256:..`` (a digest only) gives ``("", digest)``."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if digest and ":" not in last:
        return "", digest
    return name, digest or None


def decide_service(
    *,
    image: str,
    labels: Mapping[str, str],
    check: CheckResult | None,
    monitor_only: bool,
    update_status: UpdateStatus | None,
    rolled_back: frozenset[str] = frozenset(),
) -> ServiceDecision:
    """What to do with one service, from its image, labels, the tag's remote digest and the
    state of its last update."""
    tag, pinned = followed_tag(image)
    if not tag:
        return ServiceDecision(ServiceAction.SKIP, "pinned by digest only: nothing to follow")
    if update_status is not None and update_status.in_progress:
        return ServiceDecision(ServiceAction.BUSY, f"an update is running ({update_status.state})")
    if check is None or check.digest is None:
        error = check.error if check is not None else "not checked"
        return ServiceDecision(ServiceAction.CHECK_FAILED, f"check failed: {error}")
    if check.digest == pinned:
        return ServiceDecision(ServiceAction.FRESH)
    label = label_bool(labels, "monitor-only")
    if label if label is not None else monitor_only:
        return ServiceDecision(ServiceAction.SKIP, f"monitor only: {check.digest} is available")
    if check.digest in rolled_back:
        return ServiceDecision(
            ServiceAction.SKIP,
            f"{check.digest} was rolled back; not tried again until a newer digest is pushed",
        )
    return ServiceDecision(ServiceAction.UPDATE, image=f"{tag}@{check.digest}")


def default_policy(spec: ServiceSpec, *, monitor: timedelta) -> UpdatePolicy | None:
    """Safe update settings for a service that has none: one task at a time, each watched for
    ``monitor``, rolled back on failure, and the new task started before the old one stops
    unless that cannot work: a host-mode published port would be taken twice on one node, or a
    per-node replica limit leaves no room for the extra task. None: the service has its own
    ``UpdateConfig``, which is honoured."""
    if spec.update_config is not None:
        return None
    host_ports = any(p.publish_mode == "host" for p in spec.endpoint_spec.ports)
    per_node_limit = spec.task_template.placement.max_replicas > 0
    order = "stop-first" if host_ports or per_node_limit else "start-first"
    return UpdatePolicy(parallelism=1, failure_action="rollback", monitor=monitor, order=order)


def judge_rollout(
    service: ServiceInspect,
    tasks: Sequence[TaskInspect],
    *,
    image: str,
    before: UpdateStatus | None,
) -> tuple[Rollout, str]:
    """Where the rollout of ``image`` to ``service`` stands, from the service's update status
    and its tasks. ``before`` is the update status read before the request: a status equal to
    it belongs to an earlier update and says nothing about this one."""
    status = service.update_status
    ours = status is not None and status != before
    if status is not None and ours:
        message = status.message or status.state
        if status.state == "rollback_completed":
            return Rollout.ROLLED_BACK, message
        if status.state == "rollback_paused":
            return Rollout.ROLLBACK_FAILED, message
        if status.state == "paused":
            return Rollout.PAUSED, message
        if status.in_progress:
            return Rollout.IN_PROGRESS, message
    if service.image != image:
        return Rollout.ROLLED_BACK, "the service is no longer on the new image"
    wanted = [t for t in tasks if t.wanted]
    on_new = [t for t in wanted if t.running and t.image == image]
    replicas = service.spec.replicas
    enough = len(on_new) >= replicas if replicas is not None else bool(wanted)
    if enough and len(on_new) == len(wanted) and (ours or status is None):
        return Rollout.CONVERGED, f"{len(on_new)} task(s) running {image}"
    total = replicas if replicas is not None else len(wanted)
    return Rollout.IN_PROGRESS, f"{len(on_new)} of {total} task(s) running the image"


class ServiceOps(Protocol):
    """The swarm verbs the updater uses: a real manager (:class:`EngineServices`), or an
    in-memory swarm in the unit tests, which exercise every rollback path without one."""

    def services(self) -> list[ServiceInspect]: ...

    def inspect(self, service_id: str) -> ServiceInspect: ...

    def tasks(self, service_id: str) -> list[TaskInspect]: ...

    def update(
        self,
        service_id: str,
        *,
        image: str,
        auth: Mapping[str, str] | None,
        policy: UpdatePolicy | None,
    ) -> None: ...

    def rollback(self, service_id: str, *, auth: Mapping[str, str] | None) -> None: ...


class EngineServices:
    """:class:`ServiceOps` on a swarm manager."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def services(self) -> list[ServiceInspect]:
        return list_services(self.engine)

    def inspect(self, service_id: str) -> ServiceInspect:
        return inspect_service(self.engine, service=service_id)

    def tasks(self, service_id: str) -> list[TaskInspect]:
        return list_tasks(self.engine, service=service_id)

    def update(
        self,
        service_id: str,
        *,
        image: str,
        auth: Mapping[str, str] | None,
        policy: UpdatePolicy | None,
    ) -> None:
        update_service_image(self.engine, service=service_id, image=image, auth=auth, policy=policy)

    def rollback(self, service_id: str, *, auth: Mapping[str, str] | None) -> None:
        rollback_service(self.engine, service=service_id, auth=auth)


class ServiceUpdater:
    """Carries out the decisions for the services of one swarm manager; remembers the digests
    it rolled back, per service, for as long as it lives."""

    def __init__(
        self,
        *,
        ops: ServiceOps,
        source: DigestSource,
        backoff: Backoff,
        selection: Selection,
        monitor_only: bool,
        auth_for: AuthLookup,
        settings: ServiceSettings | None = None,
        workers: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ops = ops
        self.source = source
        self.backoff = backoff
        self.selection = selection
        self.monitor_only = monitor_only
        self.auth_for = auth_for
        self.settings = settings or ServiceSettings()
        self.workers = workers
        self.sleep = sleep
        self.clock = clock
        self.rolled_back: dict[str, set[str]] = {}  # service id -> digests rolled back

    def run(self, *, images: Sequence[str] = ()) -> list[ContainerResult]:
        services = select_services(self.ops.services(), selection=self.selection)
        if images:
            services = [s for s in services if followed_tag(s.image)[0] in images]
        tags = {s.id: followed_tag(s.image)[0] for s in services}
        checks = check_references(
            (t for t in tags.values() if t),
            source=self.source,
            backoff=self.backoff,
            workers=self.workers,
        )
        results = []
        for service in services:
            decision = decide_service(
                image=service.image,
                labels=service.labels,
                check=checks.get(tags[service.id]),
                monitor_only=self.monitor_only,
                update_status=service.update_status,
                rolled_back=frozenset(self.rolled_back.get(service.id, ())),
            )
            results.append(self._carry_out(service, decision))
        return sorted(results, key=lambda r: r.name)

    def _carry_out(self, service: ServiceInspect, decision: ServiceDecision) -> ContainerResult:
        _, pinned = followed_tag(service.image)
        old = pinned or service.image
        if decision.action is ServiceAction.FRESH:
            return _result(service, Status.FRESH, old)
        if decision.action in (ServiceAction.SKIP, ServiceAction.BUSY):
            return _result(service, Status.SKIPPED, old, reason=decision.reason)
        if decision.action is ServiceAction.CHECK_FAILED:
            return _result(service, Status.FAILED, old, reason=decision.reason, check=True)
        assert decision.image is not None
        new = followed_tag(decision.image)[1]
        try:
            return self._update(service, decision.image, old=old, new=new)
        except DockyardError as exc:
            return _result(service, Status.FAILED, old, new, reason=str(exc))

    def _update(
        self, service: ServiceInspect, image: str, *, old: str, new: str | None
    ) -> ContainerResult:
        tag = followed_tag(image)[0]
        policy = default_policy(service.spec, monitor=self.settings.monitor)
        log.info("%s: updating the service to %s", service.name, image)
        self.ops.update(service.id, image=image, auth=self.auth_for(tag), policy=policy)
        outcome, message = self._wait(
            service.id, image=image, before=service.update_status, rollback=False
        )
        if outcome is Rollout.CONVERGED:
            return _result(service, Status.UPDATED, old, new, reason=None)
        if outcome is Rollout.ROLLED_BACK:
            self._remember(service.id, new)
            return _result(service, Status.ROLLED_BACK, old, new, reason=message)
        if outcome is Rollout.ROLLBACK_FAILED:
            return _result(service, Status.FAILED, old, new, reason=f"rollback paused: {message}")
        why = message if outcome is Rollout.PAUSED else f"not converged: {message}"
        log.warning("%s: %s; rolling back", service.name, why)
        before = self.ops.inspect(service.id).update_status
        self.ops.rollback(service.id, auth=self.auth_for(tag))
        self._remember(service.id, new)
        back, back_message = self._wait(
            service.id, image=service.image, before=before, rollback=True
        )
        if back is Rollout.CONVERGED or back is Rollout.ROLLED_BACK:
            return _result(service, Status.ROLLED_BACK, old, new, reason=why)
        return _result(service, Status.FAILED, old, new, reason=f"{why}; rollback: {back_message}")

    def _wait(
        self, service_id: str, *, image: str, before: UpdateStatus | None, rollback: bool
    ) -> tuple[Rollout, str]:
        """Poll until the rollout (or, with ``rollback``, the return to ``image``) settles."""

        def observe() -> tuple[Rollout, str, None]:
            service = self.ops.inspect(service_id)
            tasks = self.ops.tasks(service_id)
            outcome, message = judge_rollout(service, tasks, image=image, before=before)
            if rollback and outcome is Rollout.ROLLED_BACK and service.image == image:
                outcome = Rollout.CONVERGED  # a rollback that completed is where we wanted to be
            return outcome, message, None

        outcome, message, _ = settle(
            observe,
            timeout=self.settings.timeout,
            poll=self.settings.poll,
            sleep=self.sleep,
            clock=self.clock,
        )
        return outcome, message

    def _remember(self, service_id: str, digest: str | None) -> None:
        if digest:
            self.rolled_back.setdefault(service_id, set()).add(digest)


def _result(
    service: ServiceInspect,
    status: Status,
    old: str,
    new: str | None = None,
    *,
    reason: str | None = None,
    check: bool = False,
) -> ContainerResult:
    return ContainerResult(
        name=service.name,
        image=followed_tag(service.image)[0] or service.image,
        old_image_id=old,
        new_image_id=new,
        status=status,
        reason=reason,
        check_failed=check,
        kind=Kind.SERVICE,
    )
