"""Deployments: typed views of what dockyard reads, and the verbs only they have.

The official client's objects stay in this package; callers get :class:`Deployment` values.
A rollback returns the pod template to the previous revision's, read from the Deployment's own
ReplicaSets (``deployment.kubernetes.io/revision``), as ``kubectl rollout undo`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dockyard.errors import ClusterError
from dockyard.kube._cluster import Cluster, translate
from dockyard.kube._kinds import WorkloadKind

__all__ = [
    "Condition",
    "Container",
    "Deployment",
    "list_deployments",
    "read_deployment",
    "roll_back_deployment",
]

_REVISION = "deployment.kubernetes.io/revision"
_HASH_LABEL = "pod-template-hash"


@dataclass(frozen=True)
class Container:
    name: str
    image: str


@dataclass(frozen=True)
class Condition:
    type: str
    status: str
    reason: str
    message: str


@dataclass(frozen=True)
class Deployment:
    """What the rollout rule and the updater read of one Deployment."""

    namespace: str
    name: str
    uid: str
    annotations: dict[str, str]
    generation: int
    observed_generation: int
    replicas: int  # wanted
    updated_replicas: int
    available_replicas: int
    total_replicas: int  # old ones still terminating included
    containers: tuple[Container, ...]
    conditions: tuple[Condition, ...]
    revision: int
    selector: dict[str, str]
    pull_secrets: tuple[str, ...] = ()  # the pod template's imagePullSecrets

    kind = WorkloadKind.DEPLOYMENT

    @property
    def ref(self) -> str:
        return f"{self.namespace}/{self.name}"

    def condition(self, kind: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == kind), None)


def _deployment(item: Any) -> Deployment:
    meta, spec, status = item.metadata, item.spec, item.status
    containers = tuple(Container(c.name, c.image or "") for c in spec.template.spec.containers)
    conditions = tuple(
        Condition(c.type, c.status, c.reason or "", c.message or "")
        for c in (status.conditions or [])
    )
    annotations = dict(meta.annotations or {})
    return Deployment(
        namespace=meta.namespace,
        name=meta.name,
        uid=meta.uid,
        annotations=annotations,
        generation=meta.generation or 0,
        observed_generation=status.observed_generation or 0,
        replicas=spec.replicas if spec.replicas is not None else 1,
        updated_replicas=status.updated_replicas or 0,
        available_replicas=status.available_replicas or 0,
        total_replicas=status.replicas or 0,
        containers=containers,
        conditions=conditions,
        revision=int(annotations.get(_REVISION, "0") or 0),
        selector=dict(spec.selector.match_labels or {}),
        pull_secrets=tuple(s.name for s in spec.template.spec.image_pull_secrets or () if s.name),
    )


def list_deployments(cluster: Cluster, *, namespace: str | None) -> list[Deployment]:
    """The Deployments of ``namespace`` (None: every namespace)."""
    what = f"listing deployments in {namespace or 'every namespace'}"
    with translate(what, host=cluster.host):
        if namespace is None:
            items = cluster.apps.list_deployment_for_all_namespaces().items
        else:
            items = cluster.apps.list_namespaced_deployment(namespace).items
    return [_deployment(item) for item in items]


def read_deployment(cluster: Cluster, *, namespace: str, name: str) -> Deployment:
    with translate(f"reading deployment {namespace}/{name}", host=cluster.host):
        return _deployment(cluster.apps.read_namespaced_deployment(name, namespace))


def roll_back_deployment(cluster: Cluster, *, namespace: str, name: str) -> int:
    """Return the pod template to the previous revision's (``kubectl rollout undo``); the
    revision returned to. Raises :class:`ClusterError` when there is no previous revision."""
    what = f"rolling back deployment {namespace}/{name}"
    with translate(what, host=cluster.host):
        current: Any = cluster.apps.read_namespaced_deployment(name, namespace)
        sets: list[Any] = cluster.apps.list_namespaced_replica_set(namespace).items
    revision = int((current.metadata.annotations or {}).get(_REVISION, "0") or 0)
    owned = [
        rs
        for rs in sets
        if any(ref.uid == current.metadata.uid for ref in rs.metadata.owner_references or [])
    ]
    earlier = [
        (int((rs.metadata.annotations or {}).get(_REVISION, "0") or 0), rs)
        for rs in owned
        if int((rs.metadata.annotations or {}).get(_REVISION, "0") or 0) < revision
    ]
    if not earlier:
        raise ClusterError(f"{what}: it has no previous revision to return to")
    previous_revision, previous = max(earlier, key=lambda pair: pair[0])
    template = cluster.api.sanitize_for_serialization(previous.spec.template)
    labels = (template.get("metadata") or {}).get("labels") or {}
    labels.pop(_HASH_LABEL, None)
    with translate(what, host=cluster.host):
        cluster.apps.patch_namespaced_deployment(
            name, namespace, [{"op": "replace", "path": "/spec/template", "value": template}]
        )
    return previous_revision
