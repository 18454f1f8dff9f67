"""``dockyard diagram swarm`` on the real three-node test swarm, through its manager."""

from __future__ import annotations

from pathlib import Path

from tests.integration.diagram.conftest import (
    Picture,
    Swarm,
    SwarmApp,
    diagram,
    graph_of,
    svg_texts,
)


def test_the_swarm_is_drawn_with_each_task_on_its_worker(swarm: Swarm, swarm_app: SwarmApp) -> None:
    picture = Picture(graph_of("swarm", "--host", swarm.manager_host, "--label", swarm_app.label))
    hostnames = ["swarm-manager", "swarm-worker1", "swarm-worker2"]
    assert picture.names("Node") == hostnames
    [cluster] = picture.names("Cluster")
    for hostname in hostnames:
        assert picture.place(picture.of("Node", hostname)["id"]) == f"Cluster: {cluster}"
    assert picture.names("Service") == [swarm_app.service]
    tasks = sorted(picture.names("Container"))
    assert tasks == [f"{swarm_app.service}.1", f"{swarm_app.service}.2"]
    workers = {picture.place(picture.of("Container", t)["id"]) for t in tasks}
    assert workers == {"Node: swarm-worker1", "Node: swarm-worker2"}
    assert picture.links("commands") == {
        ("Client: your computer", "Node: swarm-manager", "docker → engine API")
    }
    service = f"Service: {swarm_app.service}"
    routes = picture.links("routes-to")
    port = f"Port: {swarm_app.port}/tcp"
    assert routes == {
        (service, f"Container: {tasks[0]}", "dnsrr"),
        (service, f"Container: {tasks[1]}", "dnsrr"),
        ("Internet: the internet", port, "HTTP"),
        (port, f"Container: {tasks[0]}", ":8080"),
        (port, f"Container: {tasks[1]}", ":8080"),
    }


def test_each_task_mounts_its_nodes_volume_and_joins_the_overlay_network(
    swarm: Swarm, swarm_app: SwarmApp
) -> None:
    picture = Picture(graph_of("swarm", "--host", swarm.manager_host, "--label", swarm_app.label))
    assert picture.of("Network", swarm_app.network)["detail"] == "overlay"
    volumes = [b for b in picture.boxes.values() if b["kind"] == "Volume"]
    assert sorted(picture.place(v["id"]) for v in volumes) == [
        "Node: swarm-worker1",
        "Node: swarm-worker2",
    ]
    assert {v["name"] for v in volumes} == {swarm_app.volume}
    for task in picture.names("Container"):
        assert (f"Container: {task}", f"Network: {swarm_app.network}", "") in picture.links(
            "attached-to"
        )
        assert (f"Container: {task}", f"Volume: {swarm_app.volume}", "/data") in picture.links(
            "mounts"
        )
    # the port is the node's own (host mode): one on each worker that runs a task
    ports = [b for b in picture.boxes.values() if b["kind"] == "Port"]
    assert sorted((p["detail"], picture.place(p["id"])) for p in ports) == [
        ("host mode", "Node: swarm-worker1"),
        ("host mode", "Node: swarm-worker2"),
    ]


def test_the_svg_carries_the_labels(swarm: Swarm, swarm_app: SwarmApp, tmp_path: Path) -> None:
    target = tmp_path / "swarm.svg"
    done = diagram(
        "swarm", "--host", swarm.manager_host, "--label", swarm_app.label, "-o", str(target)
    )
    assert done.returncode == 0, done.stderr
    texts = svg_texts(target)
    for label in (
        "Node: swarm-manager",
        "Node: swarm-worker1",
        "Node: swarm-worker2",
        f"Service: {swarm_app.service}",
        f"Container: {swarm_app.service}.1",
        f"Network: {swarm_app.network}",
        f"Volume: {swarm_app.volume}",
        f"Port: {swarm_app.port}/tcp",
    ):
        assert label in texts, label


def test_a_worker_is_not_a_manager(swarm: Swarm) -> None:
    done = diagram("swarm", "--host", swarm.worker_hosts[0])
    assert done.returncode == 3
    assert done.stderr.startswith("dockyard: error: this engine is not a swarm manager")
    assert done.stderr.count("\n") == 1
