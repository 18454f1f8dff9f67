"""Deployments: typed views of what dockyard reads, and the verbs it uses.

The official client's objects stay in this package; callers get :class:`Deployment` values.
A rollback returns the pod template to the previous revision's, read from the Deployment's own
ReplicaSets (``deployment.kubernetes.io/revision``), as ``kubectl rollout undo`` does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dockyard.errors import ClusterError
from dockyard.kube._cluster import Cluster, translate

__all__ = [
    "Condition",
    "Container",
    "Deployment",
    "list_deployments",
    "pull_secret_config",
    "read_deployment",
    "record_event",
    "roll_back_deployment",
    "running_image_ids",
    "set_images",
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


def set_images(cluster: Cluster, *, namespace: str, name: str, images: dict[str, str]) -> None:
    """Point the named containers of the pod template at new images (a strategic merge patch,
    as ``kubectl set image``: the rest of the template is kept)."""
    body = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": c, "image": i} for c, i in images.items()]}
            }
        }
    }
    with translate(f"patching deployment {namespace}/{name}", host=cluster.host):
        cluster.apps.patch_namespaced_deployment(name, namespace, body)


def pull_secret_config(cluster: Cluster, deployment: Deployment) -> dict[str, Any]:
    """The registry credentials of the Deployment's ``imagePullSecrets``, merged into one
    docker config document (``{"auths": {...}}``), as the kubelet uses them; a secret that is
    missing or of another type is passed over, as the kubelet does."""
    import base64
    import json

    auths: dict[str, Any] = {}
    for name in deployment.pull_secrets:
        what = f"reading pull secret {deployment.namespace}/{name}"
        try:
            with translate(what, host=cluster.host):
                secret: Any = cluster.core.read_namespaced_secret(name, deployment.namespace)
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


def running_image_ids(cluster: Cluster, deployment: Deployment) -> dict[str, set[str]]:
    """Container name -> the image digests (``sha256:...``) its running pods resolved."""
    selector = ",".join(f"{k}={v}" for k, v in sorted(deployment.selector.items()))
    what = f"listing the pods of deployment {deployment.ref}"
    with translate(what, host=cluster.host):
        pods: list[Any] = cluster.core.list_namespaced_pod(
            deployment.namespace, label_selector=selector
        ).items
    found: dict[str, set[str]] = {}
    for pod in pods:
        for status in pod.status.container_statuses or []:
            image_id = status.image_id or ""
            if "@" in image_id:
                found.setdefault(status.name, set()).add(image_id.rpartition("@")[2])
    return found


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


def record_event(
    cluster: Cluster, deployment: Deployment, *, reason: str, message: str, warning: bool
) -> None:
    """A Kubernetes event on the Deployment (``kubectl describe`` and ``get events`` show it)."""
    from kubernetes import client

    now = datetime.datetime.now(datetime.UTC)
    event = client.CoreV1Event(
        metadata=client.V1ObjectMeta(generate_name=f"{deployment.name}.dockyard-"),
        involved_object=client.V1ObjectReference(
            kind="Deployment",
            namespace=deployment.namespace,
            name=deployment.name,
            uid=deployment.uid,
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
    with translate(f"recording an event on deployment {deployment.ref}", host=cluster.host):
        cluster.core.create_namespaced_event(deployment.namespace, event)
