"""Kubernetes workloads: a new digest of a container's tag is patched in and rolled out.

``watch --kubernetes`` follows the Deployments, StatefulSets and DaemonSets opted in by the
annotation
``dockyard.enable: "true"`` (Watchtower's label names work as annotations too, and
``monitor-only``). Per container: its tag, one HEAD per tag for the whole cycle, the digest it
runs (pinned in the image, else what its pods resolved); a new digest is patched in pinned
(``repo:tag@sha256:...``), the rollout is waited for by kubectl's rule for the kind
(``rollout status``), and a rollout that fails (a Deployment's ``ProgressDeadlineExceeded``) or
does not finish within the rollout timeout (the only limit StatefulSets and DaemonSets have) is
rolled back to the previous revision's pod template, with the reason in the report and a
Kubernetes event on the workload. A digest rolled back is not tried again until a newer one is
pushed or dockyard restarts. A StatefulSet or DaemonSet with the ``OnDelete`` strategy is not
updated: its rollout happens only when someone deletes its pods, so it cannot be waited for.

Decisions are pure functions (:func:`decide_workload`, the ``judge_*`` rules per kind,
:func:`stuck_pods`); the :class:`DeploymentUpdater` carries them out through
:class:`DeploymentOps`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dockyard.errors import ClusterForbidden, DockyardError
from dockyard.kube import (
    Cluster,
    DaemonSet,
    Deployment,
    Pod,
    StatefulSet,
    UpdateStrategy,
    Workload,
    WorkloadKind,
    delete_pod,
    list_deployments,
    list_pods,
    list_workloads,
    pull_secret_config,
    read_deployment,
    read_workload,
    record_event,
    roll_back_workload,
    running_image_ids,
    set_images,
)
from dockyard.update._check import Backoff, CheckResult, DigestSource, check_references
from dockyard.update._labels import label_bool
from dockyard.update._report import ContainerResult, CycleReport, Kind, Status
from dockyard.update._services import Rollout, ServiceAction, followed_tag, settle

__all__ = [
    "ClusterDeployments",
    "DeploymentDecision",
    "DeploymentOps",
    "DeploymentUpdater",
    "KubernetesSettings",
    "KubernetesWatcher",
    "decide_deployment",
    "decide_workload",
    "judge_daemonset",
    "judge_deployment",
    "judge_statefulset",
    "judge_workload",
    "started_kubernetes_watcher",
    "stuck_pods",
]

log = logging.getLogger("dockyard.watch")


@dataclass(frozen=True)
class KubernetesSettings:
    namespace: str | None = None  # None: every namespace
    timeout: float = 300.0  # seconds for a rollout (or the rollback) to finish
    poll: float = 0.5  # seconds between two reads of a rollout (one GET each)
    # seconds a finished rollout must stay finished (as Swarm's update monitor, which dockyard
    # sets to 10 s): without a readiness probe, a container that exits at once counts as
    # available for a moment
    stable: float = 10.0
    monitor_only: bool = False
    workers: int = 8


@dataclass(frozen=True)
class DeploymentDecision:
    action: ServiceAction
    reason: str | None = None
    images: Mapping[str, str] = field(default_factory=dict)  # container -> pinned image


def judge_deployment(
    deployment: Deployment, *, deadline_counts: bool = True
) -> tuple[Rollout, str]:
    """kubectl's rule (``rollout status``): done when the controller saw the latest spec and
    every replica is updated and available, with no old one left; failed when the Deployment
    reports ``ProgressDeadlineExceeded`` (ignored with ``deadline_counts`` off: a rollback
    starts with the failed rollout's condition still set)."""
    progressing = deployment.condition("Progressing")
    exceeded = progressing is not None and progressing.reason == "ProgressDeadlineExceeded"
    if deadline_counts and progressing is not None and exceeded:
        return Rollout.PAUSED, progressing.message or "progress deadline exceeded"
    if deployment.observed_generation < deployment.generation:
        return Rollout.IN_PROGRESS, "waiting for the controller to see the new spec"
    wanted = deployment.replicas
    if deployment.updated_replicas < wanted:
        return Rollout.IN_PROGRESS, f"{deployment.updated_replicas} of {wanted} replicas updated"
    if deployment.total_replicas > deployment.updated_replicas:
        old = deployment.total_replicas - deployment.updated_replicas
        return Rollout.IN_PROGRESS, f"{old} old replica(s) still terminating"
    if deployment.available_replicas < deployment.updated_replicas:
        available = deployment.available_replicas
        return Rollout.IN_PROGRESS, f"{available} of {wanted} updated replicas available"
    return Rollout.CONVERGED, f"{wanted} replica(s) updated and available"


def judge_statefulset(statefulset: StatefulSet) -> tuple[Rollout, str]:
    """kubectl's rule for a StatefulSet (``rollout status``): done when the controller saw the
    latest spec, every replica is ready, the replicas from the partition up are at the update
    revision, and (with no partition) the current revision is the update revision. There is no
    progress deadline: a rollout that never gets there is IN_PROGRESS until the caller's
    timeout. ``OnDelete`` cannot be waited for: PAUSED, with the reason."""
    if statefulset.strategy is UpdateStrategy.ON_DELETE:
        return Rollout.PAUSED, _ON_DELETE
    if statefulset.observed_generation == 0 or (
        statefulset.observed_generation < statefulset.generation
    ):
        return Rollout.IN_PROGRESS, "waiting for the controller to see the new spec"
    wanted = statefulset.replicas
    if statefulset.ready_replicas < wanted:
        return Rollout.IN_PROGRESS, f"{statefulset.ready_replicas} of {wanted} pods ready"
    partition = min(max(statefulset.partition, 0), wanted)
    if statefulset.updated_replicas < wanted - partition:
        updated, of = statefulset.updated_replicas, wanted - partition
        return Rollout.IN_PROGRESS, f"{updated} of {of} pods at the new revision"
    if partition == 0 and statefulset.current_revision != statefulset.update_revision:
        return (
            Rollout.IN_PROGRESS,
            f"waiting for every pod at revision {statefulset.update_revision}",
        )
    if partition:
        return Rollout.CONVERGED, f"partitioned rollout done: {wanted - partition} pod(s) updated"
    return Rollout.CONVERGED, f"{wanted} pod(s) at revision {statefulset.update_revision}, ready"


def judge_daemonset(daemonset: DaemonSet) -> tuple[Rollout, str]:
    """kubectl's rule for a DaemonSet (``rollout status``): done when the controller saw the
    latest spec and every node that should run a pod runs an updated, available one. No
    progress deadline, as for StatefulSets; ``OnDelete`` cannot be waited for."""
    if daemonset.strategy is UpdateStrategy.ON_DELETE:
        return Rollout.PAUSED, _ON_DELETE
    if daemonset.observed_generation < daemonset.generation:
        return Rollout.IN_PROGRESS, "waiting for the controller to see the new spec"
    wanted = daemonset.desired_scheduled
    if daemonset.updated_scheduled < wanted:
        return Rollout.IN_PROGRESS, f"{daemonset.updated_scheduled} of {wanted} pods updated"
    if daemonset.available < wanted:
        return Rollout.IN_PROGRESS, f"{daemonset.available} of {wanted} updated pods available"
    return Rollout.CONVERGED, f"{wanted} pod(s) updated and available"


def judge_workload(workload: Workload, *, deadline_counts: bool = True) -> tuple[Rollout, str]:
    """The rollout rule of the workload's kind (``deadline_counts``: see
    :func:`judge_deployment`; the other kinds have no deadline)."""
    if isinstance(workload, StatefulSet):
        return judge_statefulset(workload)
    if isinstance(workload, DaemonSet):
        return judge_daemonset(workload)
    return judge_deployment(workload, deadline_counts=deadline_counts)


_ON_DELETE = (
    "its updateStrategy is OnDelete: pods take a new template only when deleted, "
    "so a rollout cannot be waited for"
)


def decide_workload(
    workload: Workload,
    *,
    checks: Mapping[str, CheckResult],
    running: Mapping[str, set[str]],
    monitor_only: bool,
    rolled_back: frozenset[str] = frozenset(),
) -> DeploymentDecision:
    """What to do with one workload: which containers get which pinned image."""
    on_delete = (
        not isinstance(workload, Deployment) and workload.strategy is UpdateStrategy.ON_DELETE
    )
    if not on_delete:
        state, message = judge_workload(workload)
        if state is Rollout.IN_PROGRESS:
            return DeploymentDecision(ServiceAction.BUSY, f"a rollout is running: {message}")
    images: dict[str, str] = {}
    skipped: list[str] = []
    for container in workload.containers:
        tag, pinned = followed_tag(container.image)
        if not tag:
            continue
        check = checks.get(tag)
        if check is None or check.digest is None:
            error = check.error if check is not None else "not checked"
            return DeploymentDecision(ServiceAction.CHECK_FAILED, f"check failed: {error}")
        current = {pinned} if pinned else running.get(container.name, set())
        if check.digest in current:
            continue
        if check.digest in rolled_back:
            skipped.append(f"{check.digest} was rolled back; not tried again until a newer one")
            continue
        images[container.name] = f"{tag}@{check.digest}"
    if not images:
        if skipped:
            return DeploymentDecision(ServiceAction.SKIP, skipped[0])
        return DeploymentDecision(ServiceAction.FRESH)
    if on_delete:
        return DeploymentDecision(
            ServiceAction.SKIP, f"{', '.join(images.values())} not rolled out: {_ON_DELETE}"
        )
    label = label_bool(workload.annotations, "monitor-only")
    if label if label is not None else monitor_only:
        return DeploymentDecision(ServiceAction.SKIP, f"monitor only: {', '.join(images.values())}")
    return DeploymentDecision(ServiceAction.UPDATE, images=images)


decide_deployment = decide_workload  # the name it had when Deployments were the only kind


def stuck_pods(
    statefulset: StatefulSet, pods: Sequence[Pod], *, failed_revision: str
) -> list[str] | None:
    """After a StatefulSet's template was rolled back: the pods to delete so that it can finish.

    With the default ``OrderedReady`` policy the controller waits for a pod that never becomes
    ready, so a pod already made from the failed revision stays broken (Kubernetes'
    "forced rollback": delete it, and it is made again from the restored template). None while
    the controller has not yet taken the rolled-back template (deleting then would make the
    pod from the failed revision again); else the pods of ``failed_revision`` that are not
    ready, possibly none."""
    if statefulset.observed_generation < statefulset.generation:
        return None
    if not statefulset.update_revision or statefulset.update_revision == failed_revision:
        return None
    return [
        p.name for p in pods if p.revision == failed_revision and not p.ready and not p.terminating
    ]


class DeploymentOps(Protocol):
    """The cluster verbs the updater uses on workloads of every kind (a real API server, or an
    in-memory one in tests)."""

    def workloads(self, kind: WorkloadKind) -> list[Workload]: ...

    def read_workload(self, kind: WorkloadKind, namespace: str, name: str) -> Workload: ...

    def running(self, workload: Workload) -> dict[str, set[str]]: ...

    def pull_config(self, workload: Workload) -> dict[str, Any]:
        """The docker config of the workload's ``imagePullSecrets``."""

    def set_images(self, workload: Workload, images: Mapping[str, str]) -> None: ...

    def roll_back(self, workload: Workload) -> int: ...

    def pods(self, workload: Workload) -> list[Pod]: ...

    def delete_pod(self, workload: Workload, name: str) -> None: ...

    def event(self, workload: Workload, *, reason: str, message: str, warning: bool) -> None: ...


class ClusterDeployments:
    """:class:`DeploymentOps` on an API server."""

    def __init__(self, cluster: Cluster, *, namespace: str | None) -> None:
        self.cluster = cluster
        self.namespace = namespace

    def deployments(self) -> list[Deployment]:
        return list_deployments(self.cluster, namespace=self.namespace)

    def read(self, namespace: str, name: str) -> Deployment:
        return read_deployment(self.cluster, namespace=namespace, name=name)

    def workloads(self, kind: WorkloadKind) -> list[Workload]:
        return list_workloads(self.cluster, kind, namespace=self.namespace)

    def read_workload(self, kind: WorkloadKind, namespace: str, name: str) -> Workload:
        return read_workload(self.cluster, kind, namespace=namespace, name=name)

    def running(self, workload: Workload) -> dict[str, set[str]]:
        return running_image_ids(self.cluster, workload)

    def pull_config(self, workload: Workload) -> dict[str, Any]:
        return pull_secret_config(self.cluster, workload)

    def set_images(self, workload: Workload, images: Mapping[str, str]) -> None:
        set_images(
            self.cluster,
            namespace=workload.namespace,
            name=workload.name,
            images=dict(images),
            kind=workload.kind,
        )

    def roll_back(self, workload: Workload) -> int:
        return roll_back_workload(self.cluster, workload)

    def pods(self, workload: Workload) -> list[Pod]:
        return list_pods(self.cluster, workload)

    def delete_pod(self, workload: Workload, name: str) -> None:
        delete_pod(self.cluster, workload, name)

    def event(self, workload: Workload, *, reason: str, message: str, warning: bool) -> None:
        record_event(self.cluster, workload, reason=reason, message=message, warning=warning)


class ClosableSource(DigestSource, Protocol):
    def close(self) -> None: ...


class DeploymentUpdater:
    """Carries out the decisions for the opted-in workloads (Deployments, StatefulSets,
    DaemonSets); remembers rolled-back digests.

    Tags of workloads with ``imagePullSecrets`` are checked with those secrets' credentials
    (``source_for`` makes a source of a docker config document), one HEAD per tag per set of
    secrets; the others with dockyard's own. A kind RBAC does not let it list (a Role made
    before StatefulSets and DaemonSets were followed) is passed over, with a note in
    :attr:`notes` the first time (not a notification every cycle); Deployments are required."""

    def __init__(
        self,
        *,
        ops: DeploymentOps,
        source: DigestSource,
        settings: KubernetesSettings,
        backoff: Backoff | None = None,
        source_for: Callable[[Mapping[str, Any]], ClosableSource] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ops = ops
        self.source = source
        self.settings = settings
        self.backoff = backoff or Backoff()
        self.source_for = source_for
        self.sleep = sleep
        self.clock = clock
        self.rolled_back: dict[str, set[str]] = {}  # kind/namespace/name -> digests
        self.notes: list[str] = []  # the last run's: kinds it could not list, said once
        self._noted: set[WorkloadKind] = set()

    def _listed(self) -> list[Workload]:
        found: list[Workload] = []
        self.notes = []
        for kind in WorkloadKind:
            try:
                found += self.ops.workloads(kind)
            except ClusterForbidden as exc:
                if kind is WorkloadKind.DEPLOYMENT:
                    raise
                if kind not in self._noted:
                    self._noted.add(kind)
                    self.notes.append(f"{kind.resource}s not followed: {exc}")
        return found

    def run(self, *, names: Sequence[str] = ()) -> list[ContainerResult]:
        chosen = [
            w
            for w in self._listed()
            if label_bool(w.annotations, "enable") is True and (not names or _named(w, names))
        ]
        groups: dict[tuple[str, ...], list[Workload]] = {}
        for workload in chosen:
            key = (workload.namespace, *workload.pull_secrets) if workload.pull_secrets else ()
            groups.setdefault(key, []).append(workload)
        results = []
        for key, members in groups.items():
            try:
                checks = self._check(members, with_secrets=bool(key))
            except DockyardError as exc:
                results += [_result(w, Status.FAILED, reason=str(exc), check=True) for w in members]
                continue
            results += [self._one(w, checks) for w in members]
        return sorted(results, key=lambda r: (r.name, r.kind.value))

    def _check(self, members: list[Workload], *, with_secrets: bool) -> dict[str, CheckResult]:
        tags = {followed_tag(c.image)[0] for w in members for c in w.containers} - {""}
        if not with_secrets or self.source_for is None:
            return check_references(
                tags, source=self.source, backoff=self.backoff, workers=self.settings.workers
            )
        source = self.source_for(self.ops.pull_config(members[0]))
        try:
            return check_references(
                tags, source=source, backoff=Backoff(), workers=self.settings.workers
            )
        finally:
            source.close()

    def _one(self, workload: Workload, checks: Mapping[str, CheckResult]) -> ContainerResult:
        needs_pods = any(not followed_tag(c.image)[1] for c in workload.containers)
        try:
            running = self.ops.running(workload) if needs_pods else {}
            decision = decide_workload(
                workload,
                checks=checks,
                running=running,
                monitor_only=self.settings.monitor_only,
                rolled_back=frozenset(self.rolled_back.get(_key(workload), ())),
            )
            return self._carry_out(workload, decision)
        except DockyardError as exc:
            return _result(workload, Status.FAILED, reason=str(exc))

    def _carry_out(self, workload: Workload, decision: DeploymentDecision) -> ContainerResult:
        if decision.action is ServiceAction.FRESH:
            return _result(workload, Status.FRESH)
        if decision.action in (ServiceAction.SKIP, ServiceAction.BUSY):
            return _result(workload, Status.SKIPPED, reason=decision.reason)
        if decision.action is ServiceAction.CHECK_FAILED:
            return _result(workload, Status.FAILED, reason=decision.reason, check=True)
        new = ", ".join(sorted({followed_tag(i)[1] or i for i in decision.images.values()}))
        what = f"{workload.kind.resource} {workload.ref}"
        log.info("%s: rolling out %s", what, ", ".join(decision.images.values()))
        self.ops.set_images(workload, decision.images)
        outcome, message, last = self._wait(workload, deadline_counts=True)
        if outcome is Rollout.CONVERGED:
            outcome, message, last = self._hold(last)
        if outcome is Rollout.CONVERGED:
            self.ops.event(
                workload, reason="DockyardUpdated", message=f"rolled out {new}", warning=False
            )
            return _result(workload, Status.UPDATED, new=new)
        why = message if outcome is Rollout.PAUSED else f"not rolled out: {message}"
        log.warning("%s: %s; rolling back", what, why)
        failed_revision = last.update_revision if isinstance(last, StatefulSet) else ""
        revision = self.ops.roll_back(workload)
        for image in decision.images.values():
            digest = followed_tag(image)[1]
            if digest:
                self.rolled_back.setdefault(_key(workload), set()).add(digest)
        back, back_message, _ = self._wait(
            workload, deadline_counts=False, failed_revision=failed_revision
        )
        text = f"{why}; rolled back to revision {revision}"
        self.ops.event(workload, reason="DockyardRolledBack", message=text, warning=True)
        if back is Rollout.CONVERGED:
            return _result(workload, Status.ROLLED_BACK, new=new, reason=text)
        return _result(
            workload,
            Status.FAILED,
            new=new,
            reason=f"{text}, which did not finish: {back_message}",
        )

    def _hold(self, workload: Workload) -> tuple[Rollout, str, Workload]:
        """A rollout the rule says is done, read again every poll for ``settings.stable``
        seconds: CONVERGED if it stays done; PAUSED (a failure, rolled back) with the reason if
        a replica stops being ready or available in that time."""
        stable = self.settings.stable
        end = self.clock() + stable
        current = workload
        while self.clock() < end:
            self.sleep(self.settings.poll)
            current = self.ops.read_workload(workload.kind, workload.namespace, workload.name)
            outcome, message = judge_workload(current)
            if outcome is not Rollout.CONVERGED:
                return Rollout.PAUSED, f"{message} within {stable:g}s of the rollout", current
        return Rollout.CONVERGED, judge_workload(current)[1], current

    def _wait(
        self, workload: Workload, *, deadline_counts: bool, failed_revision: str = ""
    ) -> tuple[Rollout, str, Workload]:
        """Poll until the rule of the kind says done or failed, or the rollout timeout passes;
        while a StatefulSet is rolled back from ``failed_revision``, its stuck pods are deleted
        once the controller has the restored template."""
        unstuck = not failed_revision

        def observe() -> tuple[Rollout, str, Workload]:
            nonlocal unstuck
            current = self.ops.read_workload(workload.kind, workload.namespace, workload.name)
            if not unstuck and isinstance(current, StatefulSet):
                stuck = stuck_pods(current, self.ops.pods(current), failed_revision=failed_revision)
                if stuck is not None:
                    for name in stuck:
                        log.info("%s: deleting pod %s of the failed revision", current.ref, name)
                        self.ops.delete_pod(current, name)
                    unstuck = True
            outcome, message = judge_workload(current, deadline_counts=deadline_counts)
            return outcome, message, current

        return settle(
            observe,
            timeout=self.settings.timeout,
            poll=self.settings.poll,
            sleep=self.sleep,
            clock=self.clock,
        )


class KubernetesWatcher:
    """What ``watch --kubernetes`` runs each cycle, with the Watcher's interface."""

    pending_handover = None  # dockyard in a cluster is updated as a Deployment, not by hand-over

    def __init__(self, updater: DeploymentUpdater, *, names: Sequence[str] = ()) -> None:
        self.updater = updater
        self.names = tuple(names)

    def run_cycle(self, *, images: Sequence[str] = ()) -> CycleReport:
        started = time.monotonic()
        results = self.updater.run(names=self.names)
        if images:
            results = [r for r in results if r.image in images or r.image.split(":")[0] in images]
        report = CycleReport(results=results, notes=list(self.updater.notes), kubernetes=True)
        report.duration = time.monotonic() - started
        return report

    def finish_handover(self) -> str | None:
        return None


@contextlib.contextmanager
def started_kubernetes_watcher(
    *,
    settings: KubernetesSettings,
    kubeconfig: str | None,
    context: str | None,
    all_namespaces: bool,
    names: Sequence[str],
    environ: Mapping[str, str],
    registry_timeout: float,
) -> Iterator[KubernetesWatcher]:
    """A watcher of the Deployments of the kubeconfig's context (or the in-cluster account):
    ``settings.namespace``, else the context's namespace, or every one with ``all_namespaces``."""
    from dockyard.update._source import RegistryDigestSource  # the registry client is heavy

    with Cluster(kubeconfig=kubeconfig, context=context, namespace=settings.namespace) as cluster:
        namespace = None if all_namespaces else cluster.namespace
        source = RegistryDigestSource(environ=environ, timeout=registry_timeout)
        try:
            updater = DeploymentUpdater(
                ops=ClusterDeployments(cluster, namespace=namespace),
                source=source,
                settings=settings,
                source_for=lambda config: RegistryDigestSource(
                    environ={}, timeout=registry_timeout, docker_config=config
                ),
            )
            yield KubernetesWatcher(updater, names=names)
        finally:
            source.close()


_KINDS = {
    WorkloadKind.DEPLOYMENT: Kind.DEPLOYMENT,
    WorkloadKind.STATEFULSET: Kind.STATEFULSET,
    WorkloadKind.DAEMONSET: Kind.DAEMONSET,
}


def _key(workload: Workload) -> str:
    return f"{workload.kind.resource}/{workload.ref}"


def _named(workload: Workload, names: Sequence[str]) -> bool:
    """Given as ``name``, ``namespace/name``, ``kind/name`` or ``namespace/kind/name``."""
    kind = workload.kind.resource
    return bool(
        {
            workload.name,
            workload.ref,
            f"{kind}/{workload.name}",
            f"{workload.namespace}/{kind}/{workload.name}",
        }
        & set(names)
    )


def _result(
    workload: Workload,
    status: Status,
    *,
    new: str | None = None,
    reason: str | None = None,
    check: bool = False,
) -> ContainerResult:
    followed = [(followed_tag(c.image), c.image) for c in workload.containers]
    return ContainerResult(
        name=workload.ref,
        image=", ".join(tag or image for (tag, _), image in followed),
        old_image_id=", ".join(digest for (_, digest), _ in followed if digest),
        new_image_id=new,
        status=status,
        reason=reason,
        check_failed=check,
        kind=_KINDS[workload.kind],
    )
