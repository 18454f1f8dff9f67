"""StatefulSets and DaemonSets as typed values, and the verbs every workload kind shares.

A workload is a :class:`~dockyard.kube.Deployment`, a :class:`StatefulSet` or a
:class:`DaemonSet`; the functions here list, read and patch any of them by its
:class:`WorkloadKind`. A StatefulSet or DaemonSet is rolled back to the pod template of its
previous revision, read from the ControllerRevisions it owns (what ``kubectl rollout undo`` does
for these kinds); a Deployment from its ReplicaSets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dockyard.errors import ClusterError
from dockyard.kube._cluster import Cluster, translate
from dockyard.kube._deployments import Container, Deployment, _deployment, roll_back_deployment
from dockyard.kube._kinds import UpdateStrategy, WorkloadKind

__all__ = [
    "DaemonSet",
    "Pod",
    "StatefulSet",
    "Workload",
    "delete_pod",
    "list_pods",
    "list_workloads",
    "pull_secret_config",
    "read_workload",
    "record_event",
    "roll_back_workload",
    "running_image_ids",
    "set_images",
]

_REVISION_LABEL = "controller-revision-hash"
# the client's method names per kind: list_namespaced_<x>, read_namespaced_<x>, ...
_METHOD = {
    WorkloadKind.DEPLOYMENT: "deployment",
    WorkloadKind.STATEFULSET: "stateful_set",
    WorkloadKind.DAEMONSET: "daemon_set",
}


@dataclass(frozen=True)
class StatefulSet:
    """What kubectl's rollout rule and the updater read of one StatefulSet."""

    namespace: str
    name: str
    uid: str
    annotations: dict[str, str]
    generation: int
    observed_generation: int
    replicas: int  # wanted
    ready_replicas: int
    updated_replicas: int  # at the update revision
    current_revision: str
    update_revision: str
    strategy: UpdateStrategy
    partition: int  # ordinals below it keep the current revision
    containers: tuple[Container, ...]
    selector: dict[str, str]
    pull_secrets: tuple[str, ...] = ()

    kind = WorkloadKind.STATEFULSET

    @property
    def ref(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class DaemonSet:
    """What kubectl's rollout rule and the updater read of one DaemonSet."""

    namespace: str
    name: str
    uid: str
    annotations: dict[str, str]
    generation: int
    observed_generation: int
    desired_scheduled: int  # nodes that should run a pod
    updated_scheduled: int  # nodes running the current template
    available: int  # nodes whose pod is available
    strategy: UpdateStrategy
    containers: tuple[Container, ...]
    selector: dict[str, str]
    pull_secrets: tuple[str, ...] = ()

    kind = WorkloadKind.DAEMONSET

    @property
    def ref(self) -> str:
        return f"{self.namespace}/{self.name}"


Workload = Deployment | StatefulSet | DaemonSet


@dataclass(frozen=True)
class Pod:
    """A pod of a workload: what a StatefulSet's rollback needs to see of it."""

    name: str
    revision: str  # its controller-revision-hash label
    ready: bool
    terminating: bool


def _common(item: Any) -> dict[str, Any]:
    meta, spec = item.metadata, item.spec
    pod = spec.template.spec
    return {
        "namespace": meta.namespace,
        "name": meta.name,
        "uid": meta.uid,
        "annotations": dict(meta.annotations or {}),
        "generation": meta.generation or 0,
        "observed_generation": item.status.observed_generation or 0,
        "containers": tuple(Container(c.name, c.image or "") for c in pod.containers),
        "selector": dict(spec.selector.match_labels or {}),
        "pull_secrets": tuple(s.name for s in pod.image_pull_secrets or () if s.name),
    }


def _strategy(spec: Any) -> UpdateStrategy:
    kind = spec.update_strategy.type if spec.update_strategy is not None else None
    return UpdateStrategy(kind or UpdateStrategy.ROLLING_UPDATE)


def _statefulset(item: Any) -> StatefulSet:
    spec, status = item.spec, item.status
    rolling = spec.update_strategy.rolling_update if spec.update_strategy is not None else None
    return StatefulSet(
        **_common(item),
        replicas=spec.replicas if spec.replicas is not None else 1,
        ready_replicas=status.ready_replicas or 0,
        updated_replicas=status.updated_replicas or 0,
        current_revision=status.current_revision or "",
        update_revision=status.update_revision or "",
        strategy=_strategy(spec),
        partition=(rolling.partition or 0) if rolling is not None else 0,
    )


def _daemonset(item: Any) -> DaemonSet:
    status = item.status
    return DaemonSet(
        **_common(item),
        desired_scheduled=status.desired_number_scheduled or 0,
        updated_scheduled=status.updated_number_scheduled or 0,
        available=status.number_available or 0,
        strategy=_strategy(item.spec),
    )


def _typed(kind: WorkloadKind, item: Any) -> Workload:
    if kind is WorkloadKind.STATEFULSET:
        return _statefulset(item)
    if kind is WorkloadKind.DAEMONSET:
        return _daemonset(item)
    return _deployment(item)


def list_workloads(
    cluster: Cluster, kind: WorkloadKind, *, namespace: str | None
) -> list[Workload]:
    """The workloads of ``kind`` in ``namespace`` (None: every namespace)."""
    what = f"listing {kind.resource}s in {namespace or 'every namespace'}"
    method = _METHOD[kind]
    with translate(what, host=cluster.host):
        if namespace is None:
            items = getattr(cluster.apps, f"list_{method}_for_all_namespaces")().items
        else:
            items = getattr(cluster.apps, f"list_namespaced_{method}")(namespace).items
    return [_typed(kind, item) for item in items]


def read_workload(cluster: Cluster, kind: WorkloadKind, *, namespace: str, name: str) -> Workload:
    with translate(f"reading {kind.resource} {namespace}/{name}", host=cluster.host):
        item = getattr(cluster.apps, f"read_namespaced_{_METHOD[kind]}")(name, namespace)
    return _typed(kind, item)


def set_images(
    cluster: Cluster,
    *,
    namespace: str,
    name: str,
    images: dict[str, str],
    kind: WorkloadKind = WorkloadKind.DEPLOYMENT,
) -> None:
    """Point the named containers of the pod template at new images (a strategic merge patch,
    as ``kubectl set image``: the rest of the template is kept)."""
    body = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": c, "image": i} for c, i in images.items()]}
            }
        }
    }
    with translate(f"patching {kind.resource} {namespace}/{name}", host=cluster.host):
        getattr(cluster.apps, f"patch_namespaced_{_METHOD[kind]}")(name, namespace, body)


def pull_secret_config(cluster: Cluster, workload: Workload) -> dict[str, Any]:
    """The registry credentials of the workload's ``imagePullSecrets``, merged into one
    docker config document (``{"auths": {...}}``), as the kubelet uses them; a secret that is
    missing or of another type is passed over, as the kubelet does."""
    import base64
    import json

    auths: dict[str, Any] = {}
    for name in workload.pull_secrets:
        what = f"reading pull secret {workload.namespace}/{name}"
        try:
            with translate(what, host=cluster.host):
                secret: Any = cluster.core.read_namespaced_secret(name, workload.namespace)
        except ClusterError as exc:
            if "answered 404" in str(exc):
                continue
            raise
        data = secret.data or {}
        try:
            if ".dockerconfigjson" in data:
                document = json.loads(base64.b64decode(data[".dockerconfigjson"]))
                auths.update(document.get("auths") or {})
            elif ".dockercfg" in data:
                auths.update(json.loads(base64.b64decode(data[".dockercfg"])))
        except ValueError as exc:
            raise ClusterError(f"{what}: not a docker config ({exc.__class__.__name__})") from exc
    return {"auths": auths}


def _pods(cluster: Cluster, workload: Workload) -> list[Any]:
    selector = ",".join(f"{k}={v}" for k, v in sorted(workload.selector.items()))
    what = f"listing the pods of {workload.kind.resource} {workload.ref}"
    with translate(what, host=cluster.host):
        pods: list[Any] = cluster.core.list_namespaced_pod(
            workload.namespace, label_selector=selector
        ).items
    return pods


def running_image_ids(cluster: Cluster, workload: Workload) -> dict[str, set[str]]:
    """Container name -> the image digests (``sha256:...``) its running pods resolved."""
    found: dict[str, set[str]] = {}
    for pod in _pods(cluster, workload):
        for status in pod.status.container_statuses or []:
            image_id = status.image_id or ""
            if "@" in image_id:
                found.setdefault(status.name, set()).add(image_id.rpartition("@")[2])
    return found


def list_pods(cluster: Cluster, workload: Workload) -> list[Pod]:
    """The pods the workload's controller owns."""
    found = []
    for pod in _pods(cluster, workload):
        meta = pod.metadata
        if not any(ref.uid == workload.uid for ref in meta.owner_references or []):
            continue
        conditions = pod.status.conditions or []
        found.append(
            Pod(
                name=meta.name,
                revision=(meta.labels or {}).get(_REVISION_LABEL, ""),
                ready=any(c.type == "Ready" and c.status == "True" for c in conditions),
                terminating=meta.deletion_timestamp is not None,
            )
        )
    return found


def delete_pod(cluster: Cluster, workload: Workload, name: str) -> None:
    """Delete one pod of the workload; its controller makes it again from the current template."""
    with translate(f"deleting pod {workload.namespace}/{name}", host=cluster.host):
        cluster.core.delete_namespaced_pod(name, workload.namespace)


def roll_back_workload(cluster: Cluster, workload: Workload) -> int:
    """Return the pod template to the previous revision's (``kubectl rollout undo``); the
    revision returned to. Raises :class:`ClusterError` when there is no previous revision."""
    if isinstance(workload, Deployment):
        return roll_back_deployment(cluster, namespace=workload.namespace, name=workload.name)
    kind = workload.kind
    what = f"rolling back {kind.resource} {workload.ref}"
    current = read_workload(cluster, kind, namespace=workload.namespace, name=workload.name)
    selector = ",".join(f"{k}={v}" for k, v in sorted(current.selector.items()))
    with translate(what, host=cluster.host):
        items: list[Any] = cluster.apps.list_namespaced_controller_revision(
            workload.namespace, label_selector=selector
        ).items
    owned = [
        r
        for r in items
        if any(
            ref.uid == current.uid and ref.controller for ref in r.metadata.owner_references or []
        )
    ]
    if not owned:
        raise ClusterError(f"{what}: it has no revisions to return to")
    # the revision the controller rolls out now: a StatefulSet names it; a DaemonSet's
    # controller makes the newest one for the spec it observed
    update = getattr(current, "update_revision", "")
    now = next((r.revision for r in owned if r.metadata.name == update), None)
    if now is None:
        now = max(r.revision for r in owned)
    earlier = [r for r in owned if r.revision < now]
    if not earlier:
        raise ClusterError(f"{what}: it has no previous revision to return to")
    previous = max(earlier, key=lambda r: r.revision)
    data = previous.data if isinstance(previous.data, dict) else {}
    template = dict((data.get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    if not template:
        raise ClusterError(f"{what}: revision {previous.revision} holds no pod template")
    with translate(what, host=cluster.host):
        getattr(cluster.apps, f"patch_namespaced_{_METHOD[kind]}")(
            workload.name,
            workload.namespace,
            [{"op": "replace", "path": "/spec/template", "value": template}],
        )
    return int(previous.revision)


def record_event(
    cluster: Cluster, workload: Workload, *, reason: str, message: str, warning: bool
) -> None:
    """A Kubernetes event on the workload (``kubectl describe`` and ``get events`` show it)."""
    from kubernetes import client

    now = datetime.datetime.now(datetime.UTC)
    event = client.CoreV1Event(
        metadata=client.V1ObjectMeta(generate_name=f"{workload.name}.dockyard-"),
        involved_object=client.V1ObjectReference(
            kind=workload.kind.value,
            namespace=workload.namespace,
            name=workload.name,
            uid=workload.uid,
            api_version="apps/v1",
        ),
        reason=reason,
        message=message,
        type="Warning" if warning else "Normal",
        source=client.V1EventSource(component="dockyard"),
        first_timestamp=now,
        last_timestamp=now,
        count=1,
    )
    what = f"recording an event on {workload.kind.resource} {workload.ref}"
    with translate(what, host=cluster.host):
        cluster.core.create_namespaced_event(workload.namespace, event)
