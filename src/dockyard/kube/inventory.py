"""What runs where in a cluster: nodes, pods, services, ingresses, claims and workloads, typed.

One parser serves both a live API server and manifest files: :func:`parse_inventory` reads
Kubernetes object documents (``kind``, ``metadata``, ``spec``, ``status``, as ``kubectl get -o
yaml`` prints them or as they are written in a manifest; a ``List`` is opened), and
:func:`read_inventory` asks the API server for the same documents (the client's JSON, not its
model objects), so a picture drawn from files and one drawn from the cluster agree. Only the
fields a diagram needs are kept; kinds it does not draw are passed over.

A public module of :mod:`dockyard.kube` (``from dockyard.kube.inventory import ...``), for
``dockyard diagram``; it uses the package's :class:`Cluster` and :func:`translate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dockyard.errors import ClusterForbidden
from dockyard.kube._cluster import Cluster, translate

__all__ = [
    "ClaimObject",
    "IngressObject",
    "IngressPath",
    "Inventory",
    "NodeObject",
    "PodContainer",
    "PodMount",
    "PodObject",
    "ServiceObject",
    "ServicePort",
    "WorkloadObject",
    "context_name",
    "parse_inventory",
    "read_inventory",
]

_ROLE_PREFIX = "node-role.kubernetes.io/"
_WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})


@dataclass(frozen=True)
class NodeObject:
    name: str
    roles: tuple[str, ...]  # from the node-role.kubernetes.io/<role> labels
    ready: bool | None  # None when the document has no status (a manifest)
    address: str = ""  # the InternalIP, when known

    @property
    def control_plane(self) -> bool:
        return any(role in ("control-plane", "master") for role in self.roles)


@dataclass(frozen=True)
class PodMount:
    volume: str  # the pod volume's name
    path: str  # where the container sees it


@dataclass(frozen=True)
class PodContainer:
    name: str
    image: str
    ports: tuple[tuple[int, str], ...] = ()  # (containerPort, name or "")
    mounts: tuple[PodMount, ...] = ()


@dataclass(frozen=True)
class PodObject:
    namespace: str
    name: str
    labels: Mapping[str, str]
    node_name: str  # "" while not scheduled
    containers: tuple[PodContainer, ...]
    claims: Mapping[str, str] = field(default_factory=dict)  # pod volume -> claimName
    host_paths: Mapping[str, str] = field(default_factory=dict)  # pod volume -> host path
    owner: str = ""  # "Kind/name" of the controller that made it, "" when none
    phase: str = ""


@dataclass(frozen=True)
class WorkloadObject:
    """A Deployment, StatefulSet, DaemonSet, ReplicaSet or Job, with its pod template."""

    kind: str
    namespace: str
    name: str
    replicas: int  # wanted; 1 for a Job, 0 for a DaemonSet (one per node)
    selector: Mapping[str, str]
    template: PodObject


@dataclass(frozen=True)
class ServicePort:
    port: int
    target_port: int | str  # a number, or the name of a container port
    protocol: str = "TCP"
    node_port: int = 0


@dataclass(frozen=True)
class ServiceObject:
    namespace: str
    name: str
    type: str  # ClusterIP, NodePort, LoadBalancer, ExternalName
    selector: Mapping[str, str]
    ports: tuple[ServicePort, ...]


@dataclass(frozen=True)
class IngressPath:
    host: str  # "" for any host
    path: str
    service: str
    port: int | str


@dataclass(frozen=True)
class IngressObject:
    namespace: str
    name: str
    paths: tuple[IngressPath, ...]


@dataclass(frozen=True)
class ClaimObject:
    namespace: str
    name: str
    storage: str  # the requested size, e.g. "1Gi"
    storage_class: str
    volume_name: str  # the bound PersistentVolume, "" while pending


@dataclass(frozen=True)
class Inventory:
    nodes: tuple[NodeObject, ...] = ()
    pods: tuple[PodObject, ...] = ()
    workloads: tuple[WorkloadObject, ...] = ()
    services: tuple[ServiceObject, ...] = ()
    ingresses: tuple[IngressObject, ...] = ()
    claims: tuple[ClaimObject, ...] = ()


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in _map(value).items()}


def _port_ref(value: Any) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value or "")
    return int(text) if text.isdigit() else text


def _node(doc: Mapping[str, Any]) -> NodeObject:
    meta, status = _map(doc.get("metadata")), _map(doc.get("status"))
    roles = tuple(
        sorted(
            k.removeprefix(_ROLE_PREFIX)
            for k in _labels(meta.get("labels"))
            if k.startswith(_ROLE_PREFIX)
        )
    )
    conditions = _list(status.get("conditions"))
    ready = next(
        (_map(c).get("status") == "True" for c in conditions if _map(c).get("type") == "Ready"),
        None,
    )
    address = next(
        (
            str(_map(a).get("address", ""))
            for a in _list(status.get("addresses"))
            if _map(a).get("type") == "InternalIP"
        ),
        "",
    )
    return NodeObject(name=str(meta.get("name", "")), roles=roles, ready=ready, address=address)


def _container(doc: Mapping[str, Any]) -> PodContainer:
    ports = tuple(
        (int(_map(p).get("containerPort", 0) or 0), str(_map(p).get("name", "") or ""))
        for p in _list(doc.get("ports"))
    )
    mounts = tuple(
        PodMount(str(_map(m).get("name", "")), str(_map(m).get("mountPath", "")))
        for m in _list(doc.get("volumeMounts"))
    )
    return PodContainer(
        name=str(doc.get("name", "")), image=str(doc.get("image", "")), ports=ports, mounts=mounts
    )


def _pod(meta: Mapping[str, Any], spec: Mapping[str, Any], status: Mapping[str, Any]) -> PodObject:
    claims: dict[str, str] = {}
    host_paths: dict[str, str] = {}
    for volume in map(_map, _list(spec.get("volumes"))):
        name = str(volume.get("name", ""))
        if "persistentVolumeClaim" in volume:
            claims[name] = str(_map(volume["persistentVolumeClaim"]).get("claimName", ""))
        elif "hostPath" in volume:
            host_paths[name] = str(_map(volume["hostPath"]).get("path", ""))
    owners = [_map(o) for o in _list(meta.get("ownerReferences"))]
    owner = next((o for o in owners if o.get("controller")), owners[0] if owners else {})
    return PodObject(
        namespace=str(meta.get("namespace", "") or "default"),
        name=str(meta.get("name", "")),
        labels=_labels(meta.get("labels")),
        node_name=str(spec.get("nodeName", "") or ""),
        containers=tuple(_container(_map(c)) for c in _list(spec.get("containers"))),
        claims=claims,
        host_paths=host_paths,
        owner=f"{owner['kind']}/{owner['name']}" if owner.get("kind") and owner.get("name") else "",
        phase=str(status.get("phase", "") or ""),
    )


def _workload(kind: str, doc: Mapping[str, Any]) -> WorkloadObject:
    meta, spec = _map(doc.get("metadata")), _map(doc.get("spec"))
    namespace = str(meta.get("namespace", "") or "default")
    name = str(meta.get("name", ""))
    template = _map(spec.get("template"))
    template_meta = {**_map(template.get("metadata")), "namespace": namespace, "name": name}
    selector = _labels(_map(spec.get("selector")).get("matchLabels")) or _labels(
        template_meta.get("labels")
    )
    default = {"DaemonSet": 0, "Job": 1}.get(kind, 1)
    replicas = spec.get("replicas", spec.get("parallelism", default))
    return WorkloadObject(
        kind=kind,
        namespace=namespace,
        name=name,
        replicas=int(replicas) if isinstance(replicas, int) else default,
        selector=selector,
        template=_pod(template_meta, _map(template.get("spec")), {}),
    )


def _service(doc: Mapping[str, Any]) -> ServiceObject:
    meta, spec = _map(doc.get("metadata")), _map(doc.get("spec"))
    ports = tuple(
        ServicePort(
            port=int(p.get("port", 0) or 0),
            target_port=_port_ref(p.get("targetPort", p.get("port", 0))),
            protocol=str(p.get("protocol", "TCP") or "TCP"),
            node_port=int(p.get("nodePort", 0) or 0),
        )
        for p in map(_map, _list(spec.get("ports")))
    )
    return ServiceObject(
        namespace=str(meta.get("namespace", "") or "default"),
        name=str(meta.get("name", "")),
        type=str(spec.get("type", "ClusterIP") or "ClusterIP"),
        selector=_labels(spec.get("selector")),
        ports=ports,
    )


def _backend(backend: Mapping[str, Any]) -> tuple[str, int | str]:
    service = _map(backend.get("service"))
    if service:  # networking.k8s.io/v1
        port = _map(service.get("port"))
        return str(service.get("name", "")), _port_ref(port.get("number") or port.get("name"))
    # v1beta1: serviceName and servicePort
    return str(backend.get("serviceName", "")), _port_ref(backend.get("servicePort"))


def _ingress(doc: Mapping[str, Any]) -> IngressObject:
    meta, spec = _map(doc.get("metadata")), _map(doc.get("spec"))
    paths: list[IngressPath] = []
    default = _map(spec.get("defaultBackend") or spec.get("backend"))
    if default:
        paths.append(IngressPath("", "/", *_backend(default)))
    for rule in map(_map, _list(spec.get("rules"))):
        host = str(rule.get("host", "") or "")
        for path in map(_map, _list(_map(rule.get("http")).get("paths"))):
            where = str(path.get("path", "") or "/")
            paths.append(IngressPath(host, where, *_backend(_map(path.get("backend")))))
    return IngressObject(
        namespace=str(meta.get("namespace", "") or "default"),
        name=str(meta.get("name", "")),
        paths=tuple(paths),
    )


def _claim(doc: Mapping[str, Any]) -> ClaimObject:
    meta, spec = _map(doc.get("metadata")), _map(doc.get("spec"))
    requests = _map(_map(spec.get("resources")).get("requests"))
    return ClaimObject(
        namespace=str(meta.get("namespace", "") or "default"),
        name=str(meta.get("name", "")),
        storage=str(requests.get("storage", "") or ""),
        storage_class=str(spec.get("storageClassName", "") or ""),
        volume_name=str(spec.get("volumeName", "") or ""),
    )


def _flatten(documents: Iterable[Any]) -> Iterable[Mapping[str, Any]]:
    for document in documents:
        doc = _map(document)
        if doc.get("kind") == "List" or str(doc.get("kind", "")).endswith("List"):
            item_kind = str(doc.get("kind", "")).removesuffix("List")
            for item in map(_map, _list(doc.get("items"))):
                yield item if item.get("kind") else {**item, "kind": item_kind}
        elif doc:
            yield doc


def parse_inventory(documents: Iterable[Any]) -> Inventory:
    """The objects among ``documents`` a diagram draws; others (ConfigMaps, Secrets, ...) are
    passed over. The order of each kind is the documents' order."""
    nodes: list[NodeObject] = []
    pods: list[PodObject] = []
    workloads: list[WorkloadObject] = []
    services: list[ServiceObject] = []
    ingresses: list[IngressObject] = []
    claims: list[ClaimObject] = []
    for doc in _flatten(documents):
        kind = str(doc.get("kind", ""))
        if kind == "Node":
            nodes.append(_node(doc))
        elif kind == "Pod":
            pods.append(
                _pod(_map(doc.get("metadata")), _map(doc.get("spec")), _map(doc.get("status")))
            )
        elif kind in _WORKLOAD_KINDS:
            workloads.append(_workload(kind, doc))
        elif kind == "Service":
            services.append(_service(doc))
        elif kind == "Ingress":
            ingresses.append(_ingress(doc))
        elif kind == "PersistentVolumeClaim":
            claims.append(_claim(doc))
    return Inventory(
        nodes=tuple(nodes),
        pods=tuple(pods),
        workloads=tuple(workloads),
        services=tuple(services),
        ingresses=tuple(ingresses),
        claims=tuple(claims),
    )


# kind, its plural, the API group's client, the namespaced list call, the every-namespace one
_READS = (
    ("Pod", "pods", "core", "list_namespaced_pod", "list_pod_for_all_namespaces"),
    ("Service", "services", "core", "list_namespaced_service", "list_service_for_all_namespaces"),
    (
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "core",
        "list_namespaced_persistent_volume_claim",
        "list_persistent_volume_claim_for_all_namespaces",
    ),
    (
        "Deployment",
        "deployments",
        "apps",
        "list_namespaced_deployment",
        "list_deployment_for_all_namespaces",
    ),
    (
        "StatefulSet",
        "statefulsets",
        "apps",
        "list_namespaced_stateful_set",
        "list_stateful_set_for_all_namespaces",
    ),
    (
        "DaemonSet",
        "daemonsets",
        "apps",
        "list_namespaced_daemon_set",
        "list_daemon_set_for_all_namespaces",
    ),
    (
        "Ingress",
        "ingresses",
        "networking",
        "list_namespaced_ingress",
        "list_ingress_for_all_namespaces",
    ),
)


def _as_list(response: Any, kind: str) -> dict[str, Any]:
    """The JSON of a list call made with ``_preload_content=False``, each item given its kind
    (a list answer leaves it out)."""
    document = _map(json.loads(response.data or b"{}"))
    items = [_map(item) for item in _list(document.get("items"))]
    return {"kind": "List", "items": [{**item, "kind": kind} for item in items]}


def read_inventory(cluster: Cluster, *, namespace: str | None) -> Inventory:
    """The cluster's nodes, and the pods, workloads, services, ingresses (networking.k8s.io/v1)
    and claims of ``namespace`` (None: every namespace). Where RBAC refuses to list nodes, there
    are none (the pods' ``nodeName`` still says where they run); any other refusal raises
    :class:`ClusterForbidden`."""
    from kubernetes import client

    groups = {
        "core": cluster.core,
        "apps": cluster.apps,
        "networking": client.NetworkingV1Api(cluster.api),
    }
    documents = []
    try:
        with translate("listing nodes", host=cluster.host):
            documents.append(_as_list(cluster.core.list_node(_preload_content=False), "Node"))
    except ClusterForbidden:
        pass  # nodes are cluster-wide: a namespaced Role cannot list them; pods still name theirs
    for kind, plural, group, namespaced, everywhere in _READS:
        api = groups[group]
        with translate(f"listing {plural} in {namespace or 'every namespace'}", host=cluster.host):
            if namespace is None:
                response = getattr(api, everywhere)(_preload_content=False)
            else:
                response = getattr(api, namespaced)(namespace, _preload_content=False)
        documents.append(_as_list(response, kind))
    return parse_inventory(documents)


def context_name(*, kubeconfig: str | None, context: str | None) -> str:
    """The kubeconfig context kubectl would use: ``context`` when given, else the current one;
    "" when there is no kubeconfig to read (in a pod, with the service account)."""
    if context:
        return context
    from kubernetes import config

    try:
        _, active = config.list_kube_config_contexts(config_file=kubeconfig)
    except (config.ConfigException, OSError, ValueError):
        return ""
    return str((active or {}).get("name") or "")
