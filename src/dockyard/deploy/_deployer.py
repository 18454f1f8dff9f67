"""One deploy core for every target: put ``repo:tag`` at an exact digest on containers, Swarm
services and Kubernetes Deployments, with the same safety as ``watch``.

The deployer does not re-implement a rollout. It runs the watch's own updaters (journaled,
health-gated, rolled back on failure) restricted to the named targets, with a digest source
pinned to the one digest being deployed: "the newest image of the tag" becomes "this image".
So a deployment and a rollback to an earlier digest are the same operation, and every path the
watch has proven (compose-aware swaps, Swarm update configs, kubectl's rollout rule) is the
deployer's too.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dockyard.deploy._results import DeployResult, Health, TargetResult, TargetStatus
from dockyard.deploy._targets import Target, TargetKind, normalized_image, resolve_containers
from dockyard.engine import (
    Engine,
    find_container,
    image_info,
    list_containers,
    list_services,
    list_tasks,
)
from dockyard.errors import ContainerNotFound, DockyardError, RegistryError
from dockyard.update import (
    Backoff,
    ContainerResult,
    EngineServices,
    Kind,
    RemoteDigest,
    ReplaceSettings,
    Selection,
    ServiceSettings,
    ServiceUpdater,
    Status,
    Watcher,
    WatchSettings,
    recover,
)

__all__ = ["DeploySettings", "Deployer", "PinnedSource"]

log = logging.getLogger("dockyard.deploy")

AuthLookup = Callable[[str], Mapping[str, str] | None]


_FROM_WATCH = {
    Status.UPDATED: TargetStatus.UPDATED,
    Status.FRESH: TargetStatus.FRESH,
    Status.ROLLED_BACK: TargetStatus.ROLLED_BACK,
    Status.FAILED: TargetStatus.FAILED,
    Status.SKIPPED: TargetStatus.FAILED,  # a deploy asked for it: not doing it is a failure
}


class PinnedSource:
    """A digest source that answers one digest for one tag: the watch's updaters, given it,
    deploy exactly that image. Any other reference is refused (never asked of a registry)."""

    def __init__(self, *, image: str, digest: str) -> None:
        self.image = normalized_image(image)
        self.digest = digest

    def remote_digest(self, ref: str) -> RemoteDigest:
        if normalized_image(ref.partition("@")[0]) != self.image:
            raise RegistryError(f"{ref}: not the image being deployed ({self.image})")
        return RemoteDigest(digest=self.digest)

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class DeploySettings:
    state_dir: Path  # journals of container swaps (replayed by :meth:`Deployer.recover`)
    replace: ReplaceSettings = field(default_factory=ReplaceSettings)
    services: ServiceSettings = field(default_factory=ServiceSettings)
    kubeconfig: str | None = None
    context: str | None = None
    kubernetes_timeout: float = 300.0


class Deployer:
    """Deploys to the targets of one engine (and, for ``kubernetes`` targets, one cluster)."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: DeploySettings,
        auth_for: AuthLookup | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.auth_for = auth_for or (lambda _ref: None)

    def recover(self) -> list[str]:
        """Finish or undo the swaps a crash interrupted; one line per container."""
        done = recover(self.engine, state_dir=self.settings.state_dir, own_id=None)
        return [f"{item.name}: interrupted at {item.step}, {item.action}" for item in done]

    def deploy(
        self, targets: Sequence[Target], *, image: str, digest: str, start_stopped: bool = True
    ) -> DeployResult:
        """Put every target on ``image`` (``repo:tag``) at ``digest``; never raises for one
        target's failure: each result says what happened to it.

        A deploy names what should run the image: a stopped (or crashed) target container is
        started on it, unless ``start_stopped`` is False. That is also what makes a rollback
        after a crash leave the old image running."""
        image = normalized_image(image)
        source = PinnedSource(image=image, digest=digest)
        results: list[TargetResult] = []
        engine_targets = [t for t in targets if t.kind.on_engine]
        if engine_targets:
            results += self._containers(
                engine_targets, image=image, source=source, start_stopped=start_stopped
            )
        services = [t for t in targets if t.kind is TargetKind.SWARM_SERVICE]
        if services:
            results += self._services(services, image=image, source=source)
        deployments = [t for t in targets if t.kind is TargetKind.KUBERNETES]
        if deployments:
            results += self._deployments(deployments, image=image, source=source)
        for result in results:
            log.info("%s", result.line())
        return DeployResult(image=image, digest=digest, results=tuple(results))

    # -- containers ---------------------------------------------------------------------------

    def _containers(
        self, targets: Sequence[Target], *, image: str, source: PinnedSource, start_stopped: bool
    ) -> list[TargetResult]:
        resolved = resolve_containers(targets, list_containers(self.engine, detailed=False))
        results: list[TargetResult] = []
        owner: dict[str, Target] = {}
        for target, containers in resolved.items():
            if not containers:
                results.append(_missing(target, "no such container on the engine"))
            for container in containers:
                owner.setdefault(container.name, target)
        if not owner:
            return results
        settings = WatchSettings(
            state_dir=self.settings.state_dir,
            selection=Selection(
                names=tuple(f"{re.escape(n)}" for n in owner),
                include_stopped=True,
                include_restarting=True,
                revive_stopped=start_stopped,
            ),
            replace=self.settings.replace,
            follow_services=False,
            pull_by_digest=True,
        )
        watcher = Watcher(
            engine=self.engine, source=source, settings=settings, auth_for=self.auth_for
        )
        report = watcher.run_cycle()
        seen = set()
        for result in report.results:
            if result.kind is not Kind.CONTAINER or result.name not in owner:
                continue
            seen.add(result.name)
            old_digest = self._repo_digest(result.old_image_id, image=image)
            results.append(_from_watch(owner[result.name], result, old_digest=old_digest))
        for name, target in owner.items():
            if name not in seen:
                results.append(
                    _missing(target, f"{name}: not selected (labelled enable=false?)", name=name)
                )
        return results

    def _repo_digest(self, image_id: str, *, image: str) -> str | None:
        """The digest ``image_id`` has in ``image``'s repository, as the engine recorded it."""
        if not image_id:
            return None
        repository = image.rsplit(":", 1)[0]
        info = image_info(self.engine, ref=image_id)
        for entry in info.repo_digests if info else ():
            name, _, digest = entry.partition("@")
            if name == repository:
                return digest
        return None

    # -- Swarm services -----------------------------------------------------------------------

    def _services(
        self, targets: Sequence[Target], *, image: str, source: PinnedSource
    ) -> list[TargetResult]:
        try:
            present = {s.name for s in list_services(self.engine)}
        except DockyardError as exc:
            return [_failed(t, f"cannot list Swarm services: {exc}") for t in targets]
        wanted = {t.value: t for t in targets}
        results = [
            _missing(t, "no such Swarm service") for n, t in wanted.items() if n not in present
        ]
        names = [n for n in wanted if n in present]
        if not names:
            return results
        updater = ServiceUpdater(
            ops=EngineServices(self.engine),
            source=source,
            backoff=Backoff(),
            selection=Selection(names=tuple(re.escape(n) for n in names)),
            monitor_only=False,
            auth_for=self.auth_for,
            settings=self.settings.services,
        )
        done = {r.name: r for r in updater.run()}
        for name in names:
            result = done.get(name)
            if result is None:
                results.append(_missing(wanted[name], "not selected (labelled enable=false?)"))
            elif result.image != image:
                why = f"follows {result.image or 'a digest only'}, not {image}"
                results.append(_failed(wanted[name], why, name=name))
            else:
                results.append(_from_watch(wanted[name], result))
        return results

    # -- Kubernetes Deployments ---------------------------------------------------------------

    def _deployments(
        self, targets: Sequence[Target], *, image: str, source: PinnedSource
    ) -> list[TargetResult]:
        from dockyard.kube import Cluster
        from dockyard.update import ClusterDeployments, DeploymentUpdater, KubernetesSettings

        results: list[TargetResult] = []
        try:
            cluster = Cluster(kubeconfig=self.settings.kubeconfig, context=self.settings.context)
        except DockyardError as exc:
            return [_failed(t, str(exc)) for t in targets]
        with cluster:
            by_namespace: dict[str, list[Target]] = {}
            for target in targets:
                by_namespace.setdefault(target.value.partition("/")[0], []).append(target)
            for namespace, members in by_namespace.items():
                updater = DeploymentUpdater(
                    ops=ClusterDeployments(cluster, namespace=namespace),
                    source=source,
                    settings=KubernetesSettings(
                        namespace=namespace, timeout=self.settings.kubernetes_timeout
                    ),
                    source_for=lambda _config: source,
                )
                try:
                    done = {r.name: r for r in updater.run(names=[t.value for t in members])}
                except DockyardError as exc:
                    results += [_failed(t, str(exc)) for t in members]
                    continue
                for target in members:
                    result = done.get(target.value)
                    if result is None:
                        why = 'no such Deployment opted in (annotation dockyard.enable: "true")'
                        results.append(_missing(target, why))
                    elif image not in result.image.split(", "):
                        why = f"runs {result.image}, not {image}"
                        results.append(_failed(target, why, name=target.value))
                    else:
                        results.append(_from_watch(target, result))
        return results

    # -- the watch window's samples -----------------------------------------------------------

    def health(self, targets: Sequence[Target]) -> list[Health]:
        """How each target's containers (tasks, pods) are doing now."""
        samples: list[Health] = []
        engine_targets = [t for t in targets if t.kind.on_engine]
        if engine_targets:
            resolved = resolve_containers(
                engine_targets, list_containers(self.engine, detailed=False)
            )
            for target, containers in resolved.items():
                for summary in containers:
                    with contextlib.suppress(ContainerNotFound):
                        c = find_container(self.engine, ref=summary.id)
                        healthy = None if c.health in (None, "starting") else c.health == "healthy"
                        samples.append(
                            Health(target, c.name, c.running, healthy, c.restart_count, c.image_id)
                        )
        for target in targets:
            if target.kind is TargetKind.SWARM_SERVICE:
                samples += self._service_health(target)
        deployments = [t for t in targets if t.kind is TargetKind.KUBERNETES]
        if deployments:
            samples += self._deployment_health(deployments)
        return samples

    def _service_health(self, target: Target) -> list[Health]:
        service = next((s for s in list_services(self.engine) if s.name == target.value), None)
        if service is None:
            return []
        tasks = [t for t in list_tasks(self.engine, service=service.id) if t.image == service.image]
        wanted = [t for t in tasks if t.wanted]
        failed = [t for t in tasks if not t.wanted and t.state in ("failed", "rejected")]
        running = bool(wanted) and all(t.running for t in wanted)
        return [Health(target, service.name, running, None, len(failed), service.image)]

    def _deployment_health(self, targets: Sequence[Target]) -> list[Health]:
        """One read of each Deployment, over one connection to the API server."""
        from dockyard.kube import Cluster, read_deployment

        samples = []
        with Cluster(kubeconfig=self.settings.kubeconfig, context=self.settings.context) as cluster:
            for target in targets:
                namespace, _, name = target.value.partition("/")
                d = read_deployment(cluster, namespace=namespace, name=name)
                ready = d.available_replicas >= d.replicas and d.updated_replicas >= d.replicas
                image = ", ".join(c.image for c in d.containers)
                samples.append(Health(target, d.ref, ready, ready, 0, image))
        return samples


def _from_watch(
    target: Target, result: ContainerResult, *, old_digest: str | None = None
) -> TargetResult:
    """A watch result as a target's; services and Deployments report digests already."""
    old = result.old_image_id or None
    if old_digest is None and result.kind is not Kind.CONTAINER and _is_digest(old):
        old_digest = old
    return TargetResult(
        target=target,
        name=result.name,
        status=_FROM_WATCH[result.status],
        old_image=old,
        new_image=result.new_image_id,
        reason=result.reason,
        old_digest=old_digest,
    )


def _is_digest(text: str | None) -> bool:
    return bool(text) and re.fullmatch(r"sha256:[0-9a-f]{64}", text or "") is not None


def _missing(target: Target, reason: str, *, name: str | None = None) -> TargetResult:
    return TargetResult(target, name or target.value, TargetStatus.MISSING, reason=reason)


def _failed(target: Target, reason: str, *, name: str | None = None) -> TargetResult:
    return TargetResult(target, name or target.value, TargetStatus.FAILED, reason=reason)
