"""compose_graph and swarm_graph on typed engine models (made from engine-shaped documents)."""

from __future__ import annotations

from typing import Any

from dockyard.diagram import BoxKind, ComposeState, EdgeKind, SwarmState, compose_graph, swarm_graph
from dockyard.engine import (
    ContainerWiring,
    NetworkInspect,
    NodeInspect,
    ServiceInspect,
    ServiceWiring,
    TaskInspect,
)
from tests.unit.diagram.helpers import edges, names, place


def container(name: str, service: str, **extra: Any) -> ContainerWiring:
    return ContainerWiring.model_validate(
        {
            "Id": f"id-{name}",
            "Name": f"/{name}",
            "Config": {
                "Image": f"{service}:1",
                "Labels": {
                    "com.docker.compose.project": "shop",
                    "com.docker.compose.service": service,
                },
            },
            "State": {"Status": "running"},
            **extra,
        }
    )


COMPOSE = ComposeState(
    project="shop",
    host="laptop",
    engine_version="20.10.24",
    containers=(
        container(
            "shop-db-1",
            "db",
            Mounts=[
                {"Type": "volume", "Name": "shop_data", "Destination": "/var/lib/db"},
                {"Type": "tmpfs", "Destination": "/run"},
            ],
            NetworkSettings={"Networks": {"shop_back": {}}},
        ),
        container(
            "shop-web-1",
            "web",
            Mounts=[{"Type": "bind", "Source": "/srv/static", "Destination": "/static"}],
            NetworkSettings={
                "Networks": {"shop_back": {}, "shop_front": {}},
                "Ports": {
                    "8080/tcp": [
                        {"HostIp": "0.0.0.0", "HostPort": "80"},
                        {"HostIp": "::", "HostPort": "80"},
                    ],
                    "9000/tcp": None,
                },
            },
        ),
    ),
    networks=(
        NetworkInspect.model_validate({"Id": "n1", "Name": "shop_back", "Driver": "bridge"}),
    ),
)


def test_a_compose_project_runs_on_one_machine_with_its_networks_and_volumes() -> None:
    graph = compose_graph(COMPOSE)
    assert graph.title == "compose project shop"
    assert names(graph, BoxKind.NODE) == ["laptop"]
    assert names(graph, BoxKind.CONTAINER) == ["shop-db-1", "shop-web-1"]
    assert graph.box("container:shop-web-1").detail == "service web · web:1 · running"
    assert {place(graph, b.id) for b in graph.boxes if b.kind is not BoxKind.NODE} >= {
        "Node: laptop"
    }
    assert edges(graph, EdgeKind.ATTACHED_TO) == {
        ("Container: shop-db-1", "Network: shop_back", ""),
        ("Container: shop-web-1", "Network: shop_back", ""),
        ("Container: shop-web-1", "Network: shop_front", ""),
    }
    assert graph.box("network:shop_back").detail == "bridge"
    assert edges(graph, EdgeKind.MOUNTS) == {
        ("Container: shop-db-1", "Volume: shop_data", "/var/lib/db"),
        ("Container: shop-web-1", "Volume: /srv/static", "/static"),
    }
    assert edges(graph, EdgeKind.COMMANDS) == {
        ("Client: your computer", "Node: laptop", "docker compose → engine API")
    }


def test_a_published_port_leads_from_the_internet_to_its_container() -> None:
    graph = compose_graph(COMPOSE)
    assert edges(graph, EdgeKind.ROUTES_TO) == {
        ("Internet: the internet", "Port: 80/tcp", "HTTP"),
        ("Port: 80/tcp", "Container: shop-web-1", ":8080"),
    }
    assert graph.box("port:80/tcp").detail == "published on 0.0.0.0, ::"


def node(node_id: str, hostname: str, role: str, leader: bool = False) -> NodeInspect:
    document: dict[str, Any] = {
        "ID": node_id,
        "Version": {"Index": 1},
        "Spec": {"Role": role, "Availability": "active"},
        "Description": {"Hostname": hostname},
        "Status": {"State": "ready"},
    }
    if role == "manager":
        document["ManagerStatus"] = {"Leader": leader, "Reachability": "reachable"}
    return NodeInspect.model_validate(document)


def service(service_id: str, name: str, ports: list[dict[str, Any]], mode: str = "vip") -> Any:
    spec = {
        "Name": name,
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": f"{name}:2@sha256:{'ab' * 32}",
                "Mounts": [{"Type": "volume", "Source": f"{name}-data", "Target": "/data"}],
            },
            "Networks": [{"Target": "net-1"}],
        },
        "Mode": {"Replicated": {"Replicas": 2}},
        "EndpointSpec": {"Mode": mode, "Ports": ports},
    }
    document = {"ID": service_id, "Version": {"Index": 1}, "Spec": spec}
    return ServiceInspect.model_validate(document), ServiceWiring.model_validate(document)


def task(task_id: str, service_id: str, node_id: str, slot: int) -> TaskInspect:
    return TaskInspect.model_validate(
        {
            "ID": task_id,
            "Version": {"Index": 1},
            "ServiceID": service_id,
            "NodeID": node_id,
            "Slot": slot,
            "DesiredState": "running",
            "Status": {"State": "running"},
            "Spec": {"ContainerSpec": {"Image": "x:2@sha256:abc"}},
        }
    )


def swarm_state() -> SwarmState:
    web, web_wiring = service(
        "s-web", "web", [{"TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]
    )
    api, api_wiring = service(
        "s-api",
        "api",
        [{"TargetPort": 9000, "PublishedPort": 9000, "PublishMode": "host"}],
        mode="dnsrr",
    )
    return SwarmState(
        cluster_id="abcdefabcdef0123",
        nodes=(
            node("m", "manager-1", "manager", True),
            node("w1", "w-1", "worker"),
            node("w2", "w-2", "worker"),
        ),
        services=(web, api),
        wiring=(web_wiring, api_wiring),
        tasks=(
            task("t1", "s-web", "w1", 1),
            task("t2", "s-web", "w2", 2),
            task("t3", "s-api", "w1", 1),
        ),
        networks=(
            NetworkInspect.model_validate(
                {"Id": "net-1", "Name": "backend", "Driver": "overlay", "Scope": "swarm"}
            ),
        ),
    )


def test_a_swarm_has_its_nodes_in_the_cluster_and_each_task_on_its_node() -> None:
    graph = swarm_graph(swarm_state())
    assert names(graph, BoxKind.CLUSTER) == ["swarm abcdefabcdef"]
    assert names(graph, BoxKind.NODE) == ["manager-1", "w-1", "w-2"]
    assert graph.box("node:m").detail == "manager (leader) · ready · active"
    assert edges(graph, EdgeKind.RUNS_ON) >= {
        ("Container: web.1", "Node: w-1", ""),
        ("Container: web.2", "Node: w-2", ""),
        ("Container: api.1", "Node: w-1", ""),
        ("Service: web", "Cluster: swarm abcdefabcdef", ""),
        ("Network: backend", "Cluster: swarm abcdefabcdef", ""),
    }
    assert graph.box("service:s-web").detail == "web:2@sha256:abababababab · 2 replicas"
    assert edges(graph, EdgeKind.COMMANDS) == {
        ("Client: your computer", "Node: manager-1", "docker → engine API")
    }


def test_swarm_volumes_are_local_to_the_node_of_the_task_that_mounts_them() -> None:
    graph = swarm_graph(swarm_state())
    volumes = {(b.name, place(graph, b.id)) for b in graph.of_kind(BoxKind.VOLUME)}
    assert volumes == {
        ("web-data", "Node: w-1"),
        ("web-data", "Node: w-2"),
        ("api-data", "Node: w-1"),
    }
    assert ("Container: web.2", "Volume: web-data", "/data") in edges(graph, EdgeKind.MOUNTS)
    assert ("Container: api.1", "Network: backend", "") in edges(graph, EdgeKind.ATTACHED_TO)


def test_swarm_ports_go_through_the_routing_mesh_or_the_node_of_a_host_mode_task() -> None:
    graph = swarm_graph(swarm_state())
    assert edges(graph, EdgeKind.ROUTES_TO) == {
        ("Internet: the internet", "Port: 8080/tcp", "HTTP"),
        ("Port: 8080/tcp", "Service: web", ":80"),
        ("Service: web", "Container: web.1", "vip"),
        ("Service: web", "Container: web.2", "vip"),
        ("Internet: the internet", "Port: 9000/tcp", "HTTP"),
        ("Port: 9000/tcp", "Container: api.1", ":9000"),
        ("Service: api", "Container: api.1", "dnsrr"),
    }
    ports = {(b.detail, place(graph, b.id)) for b in graph.of_kind(BoxKind.PORT)}
    assert ports == {
        ("routing mesh, on every node", "Cluster: swarm abcdefabcdef"),
        ("host mode", "Node: w-1"),
    }


def test_a_global_services_tasks_are_named_by_their_node() -> None:
    agent, wiring = service("s-agent", "agent", [])
    document = agent.model_dump(by_alias=True)
    document["Spec"]["Mode"] = {"Global": {}}
    agent = ServiceInspect.model_validate(document)
    global_task = task("t9", "s-agent", "w2", 0).model_dump(by_alias=True)
    global_task["Slot"] = None
    state = SwarmState(
        cluster_id="c",
        nodes=(node("m", "manager-1", "manager"), node("w2", "w-2", "worker")),
        services=(agent,),
        wiring=(wiring,),
        tasks=(TaskInspect.model_validate(global_task),),
    )
    graph = swarm_graph(state)
    assert names(graph, BoxKind.CONTAINER) == ["agent.w-2"]
    assert graph.box("service:s-agent").detail.endswith(" · global")
    assert names(graph, BoxKind.PORT) == []
