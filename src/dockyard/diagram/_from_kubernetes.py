"""A Kubernetes cluster as a graph, from its inventory (the API server's or manifest files').

Pure: :func:`kubernetes_graph` draws what :mod:`dockyard.kube.inventory` read. Nodes sit in
the cluster, pods on their node (in the cluster while unscheduled), containers in their pod.
Services, ingresses and claims are cluster-wide. A request's path is drawn from the internet
through an Ingress or a NodePort/LoadBalancer port to the Service, and on to the containers
whose port the Service targets. Your computer sends ``kubectl`` to the control plane: a node
labelled control-plane (or master) when there is one, else the cluster's API server.

A workload (Deployment, StatefulSet, DaemonSet, ...) that no pod of the inventory belongs to,
as in manifest files, is drawn as the pods it asks for: a DaemonSet's one per node, the others'
``replicas`` in the cluster, unscheduled (unless its template names a node).
"""

from __future__ import annotations

from collections.abc import Mapping

from dockyard.diagram._graph import Box, BoxKind, EdgeKind, Graph, GraphBuilder, short_image
from dockyard.kube.inventory import (
    ClaimObject,
    Inventory,
    NodeObject,
    PodContainer,
    PodObject,
    ServiceObject,
    ServicePort,
    WorkloadObject,
)

__all__ = ["kubernetes_graph"]

CLUSTER = "cluster"
CLIENT = "client"
INTERNET = "internet"


def _selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _node_detail(node: NodeObject) -> str:
    role = ", ".join(node.roles) if node.roles else "worker"
    state = {True: "Ready", False: "NotReady", None: ""}[node.ready]
    return " · ".join(part for part in (role, state, node.address) if part)


def _owner(pod: PodObject, workloads: tuple[WorkloadObject, ...]) -> str:
    for workload in workloads:
        if workload.namespace == pod.namespace and _selects(workload.selector, pod.labels):
            return f"{workload.kind} {workload.name}"
    return pod.owner.replace("/", " ")


def _template_pods(inventory: Inventory) -> list[PodObject]:
    """Pods for the workloads that no pod of the inventory belongs to."""
    pods: list[PodObject] = []
    for workload in inventory.workloads:
        if workload.kind == "ReplicaSet" or any(
            p.namespace == workload.namespace and _selects(workload.selector, p.labels)
            for p in inventory.pods
        ):
            continue
        template = workload.template
        labels = {**template.labels, **workload.selector}
        if workload.kind == "DaemonSet":
            nodes = [n.name for n in inventory.nodes] or [""]
            names = [(f"{workload.name}-{n or 0}", n) for n in nodes]
        else:
            count = max(workload.replicas, 1)
            names = [(f"{workload.name}-{i}", template.node_name) for i in range(count)]
        for name, node in names:
            pods.append(
                PodObject(
                    namespace=workload.namespace,
                    name=name,
                    labels=labels,
                    node_name=node,
                    containers=template.containers,
                    claims=template.claims,
                    host_paths=template.host_paths,
                    owner=f"{workload.kind}/{workload.name}",
                )
            )
    return pods


def _pod_id(pod: PodObject) -> str:
    return f"pod:{pod.namespace}/{pod.name}"


def _container_id(pod: PodObject, container: PodContainer) -> str:
    return f"container:{pod.namespace}/{pod.name}/{container.name}"


def _claim_detail(claim: ClaimObject | None) -> str:
    if claim is None:
        return "PersistentVolumeClaim, not in the inventory"
    parts = ["PersistentVolumeClaim", claim.storage, claim.storage_class]
    return " · ".join(part for part in parts if part)


def _add_pod(
    graph: GraphBuilder, pod: PodObject, place: str, owner: str, claims: dict[str, ClaimObject]
) -> None:
    parts = (owner, pod.phase, "" if pod.node_name else "not scheduled")
    detail = " · ".join(part for part in parts if part)
    pod_box = graph.add(Box(_pod_id(pod), BoxKind.POD, pod.name, detail), on=place)
    for container in pod.containers:
        box = graph.add(
            Box(
                _container_id(pod, container),
                BoxKind.CONTAINER,
                container.name,
                short_image(container.image),
            ),
            on=pod_box,
        )
        for mount in container.mounts:
            if mount.volume in pod.claims:
                name = pod.claims[mount.volume]
                claim = claims.get(f"{pod.namespace}/{name}")
                volume = graph.add(
                    Box(
                        f"claim:{pod.namespace}/{name}", BoxKind.VOLUME, name, _claim_detail(claim)
                    ),
                    on=CLUSTER,
                )
            elif mount.volume in pod.host_paths:
                path = pod.host_paths[mount.volume]
                volume = graph.add(
                    Box(f"hostpath:{place}/{path}", BoxKind.VOLUME, path, "hostPath"), on=place
                )
            else:
                continue  # emptyDir, configMap, secret, ...: the pod's own, not drawn
            graph.link(box, volume, EdgeKind.MOUNTS, mount.path)


def _targets(pod: PodObject, port: ServicePort) -> list[PodContainer]:
    """The containers of ``pod`` that serve the Service port's target."""
    wanted = port.target_port
    serving = [
        c
        for c in pod.containers
        if any(number == wanted or (name and name == wanted) for number, name in c.ports)
    ]
    return serving or list(pod.containers[:1])


def _service_detail(service: ServiceObject) -> str:
    ports = ", ".join(f"{p.port}→{p.target_port}/{p.protocol}" for p in service.ports)
    return " · ".join(part for part in (service.type, ports) if part)


def _add_services(graph: GraphBuilder, inventory: Inventory, pods: list[PodObject]) -> None:
    for service in inventory.services:
        box = graph.add(
            Box(
                f"service:{service.namespace}/{service.name}",
                BoxKind.SERVICE,
                service.name,
                _service_detail(service),
            ),
            on=CLUSTER,
        )
        for pod in pods:
            if pod.namespace != service.namespace or not _selects(service.selector, pod.labels):
                continue
            for port in service.ports:
                for container in _targets(pod, port):
                    label = f":{port.target_port}"
                    graph.link(box, _container_id(pod, container), EdgeKind.ROUTES_TO, label)
        for port in service.ports:
            if port.node_port and service.type in ("NodePort", "LoadBalancer"):
                entry = graph.add(
                    Box(
                        f"port:{service.namespace}/{service.name}/{port.node_port}",
                        BoxKind.PORT,
                        f"{port.node_port}/{port.protocol}",
                        f"{service.type}, on every node",
                    ),
                    on=CLUSTER,
                )
                _from_internet(graph, entry)
                graph.link(entry, box, EdgeKind.ROUTES_TO, f":{port.port}")


def _from_internet(graph: GraphBuilder, entry: str) -> None:
    graph.add(Box(INTERNET, BoxKind.INTERNET, "the internet", "HTTP clients"))
    graph.link(INTERNET, entry, EdgeKind.ROUTES_TO, "HTTP")


def _add_ingresses(graph: GraphBuilder, inventory: Inventory) -> None:
    services = {f"{s.namespace}/{s.name}" for s in inventory.services}
    for ingress in inventory.ingresses:
        hosts = sorted({p.host for p in ingress.paths if p.host})
        box = graph.add(
            Box(
                f"ingress:{ingress.namespace}/{ingress.name}",
                BoxKind.INGRESS,
                ingress.name,
                ", ".join(hosts) or "any host",
            ),
            on=CLUSTER,
        )
        _from_internet(graph, box)
        for path in ingress.paths:
            key = f"{ingress.namespace}/{path.service}"
            target = f"service:{key}"
            if key not in services:
                graph.add(
                    Box(target, BoxKind.SERVICE, path.service, "not in the inventory"), on=CLUSTER
                )
            graph.link(box, target, EdgeKind.ROUTES_TO, f"{path.host}{path.path} → :{path.port}")


def kubernetes_graph(inventory: Inventory, *, title: str, api_server: str = "") -> Graph:
    """The cluster's picture: what runs on which node, its volumes and the request's path."""
    graph = GraphBuilder(title)
    graph.add(
        Box(CLUSTER, BoxKind.CLUSTER, title, f"API server {api_server}" if api_server else "")
    )
    graph.add(Box(CLIENT, BoxKind.CLIENT, "your computer", "kubectl"))
    for node in inventory.nodes:
        graph.add(Box(f"node:{node.name}", BoxKind.NODE, node.name, _node_detail(node)), on=CLUSTER)
    control = [n for n in inventory.nodes if n.control_plane]
    for target in [f"node:{n.name}" for n in control] or [CLUSTER]:
        graph.link(CLIENT, target, EdgeKind.COMMANDS, "kubectl → API server")
    claims = {f"{c.namespace}/{c.name}": c for c in inventory.claims}
    pods = [*inventory.pods, *_template_pods(inventory)]
    for pod in pods:
        place = CLUSTER
        if pod.node_name:
            place = f"node:{pod.node_name}"
            if place not in graph:
                graph.add(Box(place, BoxKind.NODE, pod.node_name, "not listed"), on=CLUSTER)
        _add_pod(graph, pod, place, _owner(pod, inventory.workloads), claims)
    for claim in inventory.claims:  # claims no pod mounts yet
        key = f"{claim.namespace}/{claim.name}"
        graph.add(Box(f"claim:{key}", BoxKind.VOLUME, claim.name, _claim_detail(claim)), on=CLUSTER)
    _add_services(graph, inventory, pods)
    _add_ingresses(graph, inventory)
    return graph.build()
