"""Kubernetes Deployments: a new digest of a container's tag is patched in and rolled out.

``watch --kubernetes`` follows the Deployments opted in by the annotation
``dockyard.enable: "true"`` (Watchtower's label names work as annotations too, and
``monitor-only``). Per container: its tag, one HEAD per tag for the whole cycle, the digest it
runs (pinned in the image, else what its pods resolved); a new digest is patched in pinned
(``repo:tag@sha256:...``), the rollout is waited for by kubectl's rule (observedGeneration,
updated, available and total replicas), and a rollout that reports ``ProgressDeadlineExceeded``
or does not finish in time is rolled back to the previous revision's pod template, with the
reason in the report and a Kubernetes event on the Deployment. A digest rolled back is not
tried again until a newer one is pushed or dockyard restarts.

Decisions are pure functions (:func:`decide_deployment`, :func:`judge_deployment`); the
:class:`DeploymentUpdater` carries them out through :class:`DeploymentOps`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dockyard.errors import DockyardError
from dockyard.kube import (
    Cluster,
    Deployment,
    list_deployments,
    pull_secret_config,
    read_deployment,
    record_event,
    roll_back_deployment,
    running_image_ids,
    set_images,
)
from dockyard.update._check import Backoff, CheckResult, DigestSource, check_references
from dockyard.update._labels import label_bool
from dockyard.update._report import ContainerResult, CycleReport, Kind, Status
from dockyard.update._services import Rollout, ServiceAction, followed_tag

__all__ = [
    "ClusterDeployments",
    "DeploymentDecision",
    "DeploymentOps",
    "DeploymentUpdater",
    "KubernetesSettings",
    "KubernetesWatcher",
    "decide_deployment",
    "judge_deployment",
    "started_kubernetes_watcher",
]

log = logging.getLogger("dockyard.watch")


@dataclass(frozen=True)
class KubernetesSettings:
    namespace: str | None = None  # None: every namespace
    timeout: float = 300.0  # seconds for a rollout (or the rollback) to finish
    poll: float = 1.0
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


def decide_deployment(
    deployment: Deployment,
    *,
    checks: Mapping[str, CheckResult],
    running: Mapping[str, set[str]],
    monitor_only: bool,
    rolled_back: frozenset[str] = frozenset(),
) -> DeploymentDecision:
    """What to do with one Deployment: which containers get which pinned image."""
    state, message = judge_deployment(deployment)
    if state is Rollout.IN_PROGRESS:
        return DeploymentDecision(ServiceAction.BUSY, f"a rollout is running: {message}")
    images: dict[str, str] = {}
    skipped: list[str] = []
    for container in deployment.containers:
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
    label = label_bool(deployment.annotations, "monitor-only")
    if label if label is not None else monitor_only:
        return DeploymentDecision(ServiceAction.SKIP, f"monitor only: {', '.join(images.values())}")
    return DeploymentDecision(ServiceAction.UPDATE, images=images)


class DeploymentOps(Protocol):
    """The cluster verbs the updater uses (a real API server, or an in-memory one in tests)."""

    def deployments(self) -> list[Deployment]: ...

    def read(self, namespace: str, name: str) -> Deployment: ...

    def running(self, deployment: Deployment) -> dict[str, set[str]]: ...

    def pull_config(self, deployment: Deployment) -> dict[str, Any]:
        """The docker config of the Deployment's ``imagePullSecrets``."""

    def set_images(self, deployment: Deployment, images: Mapping[str, str]) -> None: ...

    def roll_back(self, deployment: Deployment) -> int: ...

    def event(
        self, deployment: Deployment, *, reason: str, message: str, warning: bool
    ) -> None: ...


class ClusterDeployments:
    """:class:`DeploymentOps` on an API server."""

    def __init__(self, cluster: Cluster, *, namespace: str | None) -> None:
        self.cluster = cluster
        self.namespace = namespace

    def deployments(self) -> list[Deployment]:
        return list_deployments(self.cluster, namespace=self.namespace)

    def read(self, namespace: str, name: str) -> Deployment:
        return read_deployment(self.cluster, namespace=namespace, name=name)

    def running(self, deployment: Deployment) -> dict[str, set[str]]:
        return running_image_ids(self.cluster, deployment)

    def pull_config(self, deployment: Deployment) -> dict[str, Any]:
        return pull_secret_config(self.cluster, deployment)

    def set_images(self, deployment: Deployment, images: Mapping[str, str]) -> None:
        set_images(
            self.cluster, namespace=deployment.namespace, name=deployment.name, images=dict(images)
        )

    def roll_back(self, deployment: Deployment) -> int:
        return roll_back_deployment(
            self.cluster, namespace=deployment.namespace, name=deployment.name
        )

    def event(self, deployment: Deployment, *, reason: str, message: str, warning: bool) -> None:
        record_event(self.cluster, deployment, reason=reason, message=message, warning=warning)


class ClosableSource(DigestSource, Protocol):
    def close(self) -> None: ...


class DeploymentUpdater:
    """Carries out the decisions for the opted-in Deployments; remembers rolled-back digests.

    Tags of Deployments with ``imagePullSecrets`` are checked with those secrets' credentials
    (``source_for`` makes a source of a docker config document), one HEAD per tag per set of
    secrets; the others with dockyard's own."""

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
        self.rolled_back: dict[str, set[str]] = {}  # namespace/name -> digests

    def run(self, *, names: Sequence[str] = ()) -> list[ContainerResult]:
        chosen = [
            d
            for d in self.ops.deployments()
            if label_bool(d.annotations, "enable") is True
            and (not names or d.name in names or d.ref in names)
        ]
        groups: dict[tuple[str, ...], list[Deployment]] = {}
        for deployment in chosen:
            key = (
                (deployment.namespace, *deployment.pull_secrets) if deployment.pull_secrets else ()
            )
            groups.setdefault(key, []).append(deployment)
        results = []
        for key, members in groups.items():
            try:
                checks = self._check(members, with_secrets=bool(key))
            except DockyardError as exc:
                results += [_result(d, Status.FAILED, reason=str(exc), check=True) for d in members]
                continue
            results += [self._one(d, checks) for d in members]
        return sorted(results, key=lambda r: r.name)

    def _check(self, members: list[Deployment], *, with_secrets: bool) -> dict[str, CheckResult]:
        tags = {followed_tag(c.image)[0] for d in members for c in d.containers} - {""}
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

    def _one(self, deployment: Deployment, checks: Mapping[str, CheckResult]) -> ContainerResult:
        needs_pods = any(not followed_tag(c.image)[1] for c in deployment.containers)
        try:
            running = self.ops.running(deployment) if needs_pods else {}
            decision = decide_deployment(
                deployment,
                checks=checks,
                running=running,
                monitor_only=self.settings.monitor_only,
                rolled_back=frozenset(self.rolled_back.get(deployment.ref, ())),
            )
            return self._carry_out(deployment, decision)
        except DockyardError as exc:
            return _result(deployment, Status.FAILED, reason=str(exc))

    def _carry_out(self, deployment: Deployment, decision: DeploymentDecision) -> ContainerResult:
        if decision.action is ServiceAction.FRESH:
            return _result(deployment, Status.FRESH)
        if decision.action in (ServiceAction.SKIP, ServiceAction.BUSY):
            return _result(deployment, Status.SKIPPED, reason=decision.reason)
        if decision.action is ServiceAction.CHECK_FAILED:
            return _result(deployment, Status.FAILED, reason=decision.reason, check=True)
        new = ", ".join(sorted({followed_tag(i)[1] or i for i in decision.images.values()}))
        log.info("%s: rolling out %s", deployment.ref, ", ".join(decision.images.values()))
        self.ops.set_images(deployment, decision.images)
        outcome, message = self._wait(deployment, deadline_counts=True)
        if outcome is Rollout.CONVERGED:
            self.ops.event(
                deployment, reason="DockyardUpdated", message=f"rolled out {new}", warning=False
            )
            return _result(deployment, Status.UPDATED, new=new)
        why = message if outcome is Rollout.PAUSED else f"not rolled out: {message}"
        log.warning("%s: %s; rolling back", deployment.ref, why)
        revision = self.ops.roll_back(deployment)
        for image in decision.images.values():
            digest = followed_tag(image)[1]
            if digest:
                self.rolled_back.setdefault(deployment.ref, set()).add(digest)
        back, back_message = self._wait(deployment, deadline_counts=False)
        text = f"{why}; rolled back to revision {revision}"
        self.ops.event(deployment, reason="DockyardRolledBack", message=text, warning=True)
        if back is Rollout.CONVERGED:
            return _result(deployment, Status.ROLLED_BACK, new=new, reason=text)
        return _result(
            deployment,
            Status.FAILED,
            new=new,
            reason=f"{text}, which did not finish: {back_message}",
        )

    def _wait(self, deployment: Deployment, *, deadline_counts: bool) -> tuple[Rollout, str]:
        deadline = self.clock() + self.settings.timeout
        while True:
            current = self.ops.read(deployment.namespace, deployment.name)
            outcome, message = judge_deployment(current, deadline_counts=deadline_counts)
            if outcome is not Rollout.IN_PROGRESS:
                return outcome, message
            if self.clock() >= deadline:
                return Rollout.IN_PROGRESS, f"{message} after {self.settings.timeout:.0f}s"
            self.sleep(self.settings.poll)


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
        report = CycleReport(results=results, kubernetes=True)
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


def _result(
    deployment: Deployment,
    status: Status,
    *,
    new: str | None = None,
    reason: str | None = None,
    check: bool = False,
) -> ContainerResult:
    followed = [(followed_tag(c.image), c.image) for c in deployment.containers]
    return ContainerResult(
        name=deployment.ref,
        image=", ".join(tag or image for (tag, _), image in followed),
        old_image_id=", ".join(digest for (_, digest), _ in followed if digest),
        new_image_id=new,
        status=status,
        reason=reason,
        check_failed=check,
        kind=Kind.DEPLOYMENT,
    )
