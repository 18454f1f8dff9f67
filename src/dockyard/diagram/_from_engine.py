"""A compose project or a swarm as a graph, from what the engine said (typed engine models).

Pure: the collectors in :mod:`dockyard.diagram._collect` read the engine; the functions here
only draw. A compose project runs on one machine, the engine's host: its containers, their
networks and volumes sit on it, and each published port leads from the internet to its
container. A swarm is a cluster of nodes: each task's container sits on its node with the
local volumes it mounts; services and overlay networks are cluster-wide. A published port in
ingress mode is the routing mesh's (every node, to the service); in host mode it is on each node
that runs a task, to that task. Your computer sends ``docker`` commands to the managers.
"""

from __future__ import annotations

from dataclasses import dataclass

from dockyard.diagram._graph import Box, BoxKind, EdgeKind, Graph, GraphBuilder, short_image
from dockyard.engine import (
    ContainerWiring,
    MountPoint,
    NetworkInspect,
    NodeInspect,
    ServiceInspect,
    ServiceWiring,
    TaskInspect,
)

__all__ = ["ComposeState", "SwarmState", "compose_graph", "swarm_graph"]

PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"
CLIENT = "client"
INTERNET = "internet"
CLUSTER = "cluster"


@dataclass(frozen=True)
class ComposeState:
    """A compose project as its engine shows it."""

    project: str
    host: str  # the engine's name
    engine_version: str
    containers: tuple[ContainerWiring, ...]
    networks: tuple[NetworkInspect, ...] = ()


@dataclass(frozen=True)
class SwarmState:
    """A swarm as its manager shows it; ``tasks`` are the ones the manager wants running."""

    cluster_id: str
    nodes: tuple[NodeInspect, ...]
    services: tuple[ServiceInspect, ...]
    wiring: tuple[ServiceWiring, ...]
    tasks: tuple[TaskInspect, ...]
    networks: tuple[NetworkInspect, ...] = ()


def _client(graph: GraphBuilder, targets: list[str], label: str) -> None:
    graph.add(Box(CLIENT, BoxKind.CLIENT, "your computer", "docker CLI"))
    for target in targets:
        graph.link(CLIENT, target, EdgeKind.COMMANDS, label)


def _internet(graph: GraphBuilder, entry: str) -> None:
    graph.add(Box(INTERNET, BoxKind.INTERNET, "the internet", "HTTP clients"))
    graph.link(INTERNET, entry, EdgeKind.ROUTES_TO, "HTTP")


def _mount(graph: GraphBuilder, container: str, mount: MountPoint, place: str) -> None:
    if mount.type == "volume" and mount.volume:
        key = f"volume:{place}/{mount.volume}"
        graph.add(Box(key, BoxKind.VOLUME, mount.volume, "named volume"), on=place)
    elif mount.type == "bind" and mount.source:
        key = f"bind:{place}/{mount.source}"
        graph.add(Box(key, BoxKind.VOLUME, mount.source, "bind mount"), on=place)
    else:
        return  # tmpfs: memory, nothing to draw
    graph.link(container, key, EdgeKind.MOUNTS, mount.path)


def compose_graph(state: ComposeState) -> Graph:
    """The project's containers on their machine, with networks, volumes and published ports."""
    graph = GraphBuilder(f"compose project {state.project}")
    node = graph.add(
        Box(f"node:{state.host}", BoxKind.NODE, state.host, f"Docker Engine {state.engine_version}")
    )
    _client(graph, [node], "docker compose → engine API")
    drivers = {n.name: n.driver for n in state.networks}
    listening: dict[str, set[str]] = {}  # port box -> the host addresses it listens on
    for container in state.containers:
        for address, host_port, _, protocol in container.published:
            listening.setdefault(f"{host_port}/{protocol}", set()).add(address or "0.0.0.0")  # noqa: S104
    for container in state.containers:
        parts = (
            f"service {container.labels.get(SERVICE_LABEL, '?')}",
            short_image(container.image),
            container.status,
        )
        box = graph.add(
            Box(
                f"container:{container.short_name}",
                BoxKind.CONTAINER,
                container.short_name,
                " · ".join(parts),
            ),
            on=node,
        )
        for network in container.networks:
            key = graph.add(
                Box(f"network:{network}", BoxKind.NETWORK, network, drivers.get(network, "")),
                on=node,
            )
            graph.link(box, key, EdgeKind.ATTACHED_TO)
        for mount in container.mounts:
            _mount(graph, box, mount, node)
        for _, host_port, port, protocol in container.published:
            name = f"{host_port}/{protocol}"
            detail = "published on " + ", ".join(sorted(listening[name]))
            entry = graph.add(Box(f"port:{name}", BoxKind.PORT, name, detail), on=node)
            _internet(graph, entry)
            graph.link(entry, box, EdgeKind.ROUTES_TO, f":{port}")
    return graph.build()


def _node_detail(node: NodeInspect) -> str:
    role = node.role
    if node.manager_status is not None and node.manager_status.leader:
        role += " (leader)"
    return " · ".join((role, node.state, node.availability))


def _service_networks(
    graph: GraphBuilder, wired: ServiceWiring | None, networks: dict[str, NetworkInspect]
) -> list[str]:
    """The boxes of the networks a service's tasks attach to; the routing mesh's ``ingress``
    network is left out (its published ports are drawn instead)."""
    boxes = []
    for target in wired.network_targets if wired else []:
        network = networks.get(target)
        if network is not None and network.ingress:
            continue
        name = network.name if network is not None else target
        driver = network.driver if network is not None else ""
        boxes.append(graph.add(Box(f"network:{target}", BoxKind.NETWORK, name, driver), on=CLUSTER))
    return boxes


def _add_tasks(
    graph: GraphBuilder,
    service: ServiceInspect,
    tasks: list[TaskInspect],
    wired: ServiceWiring | None,
    networks: list[str],
    hostnames: dict[str, str],
) -> None:
    """Each task's container on its node, with the service's networks and mounts."""
    mode = service.spec.endpoint_spec.mode
    for task in sorted(tasks, key=lambda t: (t.slot or 0, hostnames.get(t.node_id, ""))):
        place = f"node:{task.node_id}"
        if place not in graph:
            graph.add(Box(place, BoxKind.NODE, task.node_id[:12], "not listed"), on=CLUSTER)
        slot = task.slot if task.slot is not None else hostnames.get(task.node_id, "")
        container = graph.add(
            Box(
                f"task:{task.id}",
                BoxKind.CONTAINER,
                f"{service.name}.{slot}",
                f"task · {short_image(task.image)} · {task.state}",
            ),
            on=place,
        )
        graph.link(f"service:{service.id}", container, EdgeKind.ROUTES_TO, mode)
        for network in networks:
            graph.link(container, network, EdgeKind.ATTACHED_TO)
        for mount in wired.mounts if wired else []:
            _mount(graph, container, mount, place)


def _add_published(graph: GraphBuilder, service: ServiceInspect, tasks: list[TaskInspect]) -> None:
    """Ingress mode: one port of the routing mesh, to the service. Host mode: a port on each
    node that runs a task, to that task."""
    for port in service.endpoint.ports or service.spec.endpoint_spec.ports:
        if not port.published_port:
            continue
        name = f"{port.published_port}/{port.protocol}"
        target = f":{port.target_port}"
        if port.publish_mode == "host":
            for task in tasks:
                place = f"node:{task.node_id}"
                entry = graph.add(
                    Box(f"port:{place}/{name}", BoxKind.PORT, name, "host mode"), on=place
                )
                _internet(graph, entry)
                graph.link(entry, f"task:{task.id}", EdgeKind.ROUTES_TO, target)
        else:
            entry = graph.add(
                Box(f"port:{name}", BoxKind.PORT, name, "routing mesh, on every node"), on=CLUSTER
            )
            _internet(graph, entry)
            graph.link(entry, f"service:{service.id}", EdgeKind.ROUTES_TO, target)


def swarm_graph(state: SwarmState) -> Graph:
    """The swarm's nodes, the tasks on each, services, networks, volumes and published ports."""
    title = f"swarm {state.cluster_id[:12]}".strip()
    graph = GraphBuilder(title)
    graph.add(Box(CLUSTER, BoxKind.CLUSTER, title, "Docker Swarm"))
    hostnames = {n.id: n.hostname or n.id[:12] for n in state.nodes}
    # managers first, then by host name
    for node in sorted(state.nodes, key=lambda n: (n.role != "manager", hostnames[n.id], n.id)):
        box = Box(f"node:{node.id}", BoxKind.NODE, hostnames[node.id], _node_detail(node))
        graph.add(box, on=CLUSTER)
    managers = [f"node:{n.id}" for n in state.nodes if n.role == "manager"] or [CLUSTER]
    _client(graph, managers, "docker → engine API")
    networks = {n.id: n for n in state.networks}
    wiring = {w.id: w for w in state.wiring}
    for service in state.services:
        replicas = service.spec.replicas
        count = "global" if replicas is None else f"{replicas} replicas"
        detail = f"{short_image(service.image)} · {count}"
        graph.add(Box(f"service:{service.id}", BoxKind.SERVICE, service.name, detail), on=CLUSTER)
        wired = wiring.get(service.id)
        attached = _service_networks(graph, wired, networks)
        tasks = [t for t in state.tasks if t.service_id == service.id and t.node_id]
        _add_tasks(graph, service, tasks, wired, attached, hostnames)
        _add_published(graph, service, tasks)
    return graph.build()
