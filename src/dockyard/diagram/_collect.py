"""The collectors: read a source into the typed state a graph is drawn from.

They do the I/O (the engine, the API server, files); the drawing functions are pure. Each
failure is a dockyard error: the engine's (exit 3, or 4 for a project with no containers), the
cluster's (exit 13), a manifest that is not YAML (:class:`DiagramError`, exit 14).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from dockyard.diagram._from_engine import PROJECT_LABEL, ComposeState, SwarmState
from dockyard.engine import (
    Engine,
    TaskInspect,
    engine_name,
    list_container_wiring,
    list_networks,
    list_nodes,
    list_service_wiring,
    list_services,
    list_tasks,
    swarm_info,
)
from dockyard.errors import ContainerNotFound, DiagramError, EngineError, ServiceNotFound
from dockyard.kube import Cluster
from dockyard.kube.inventory import Inventory, parse_inventory, read_inventory

__all__ = ["collect_cluster", "collect_compose", "collect_swarm", "load_manifests"]


def collect_compose(engine: Engine, *, project: str) -> ComposeState:
    """The containers labelled ``com.docker.compose.project=<project>``, their networks and the
    engine they run on; :class:`ContainerNotFound` when there are none."""
    containers = list_container_wiring(engine, labels={PROJECT_LABEL: project})
    if not containers:
        raise ContainerNotFound(
            f"no containers of compose project {project!r} on this engine "
            f"(none labelled {PROJECT_LABEL}={project}); is it up?"
        )
    return ComposeState(
        project=project,
        host=engine_name(engine) or "docker host",
        engine_version=engine.facts.version,
        containers=tuple(containers),
        networks=tuple(list_networks(engine)),
    )


def collect_swarm(engine: Engine, *, labels: Mapping[str, str | None] | None = None) -> SwarmState:
    """The swarm as its manager sees it: nodes, the services (those carrying all ``labels``
    when given), the tasks it wants running, networks. The engine must be a manager."""
    info = swarm_info(engine)
    if not info.is_manager:
        raise EngineError(
            f"this engine is not a swarm manager (swarm state {info.local_node_state}): "
            "point --host or DOCKER_HOST at a manager"
        )
    services = list_services(engine, labels=labels)
    tasks: list[TaskInspect] = []
    for service in services:
        try:
            tasks += list_tasks(engine, service=service.id, desired_state="running")
        except ServiceNotFound:
            continue  # removed while we read
    return SwarmState(
        cluster_id=info.cluster_id,
        nodes=tuple(list_nodes(engine)),
        services=tuple(services),
        wiring=tuple(list_service_wiring(engine)),
        tasks=tuple(tasks),
        networks=tuple(list_networks(engine)),
    )


def collect_cluster(cluster: Cluster, *, namespace: str | None) -> Inventory:
    """The cluster's nodes and what runs in ``namespace`` (None: every namespace)."""
    return read_inventory(cluster, namespace=namespace)


def _documents(text: str, where: str) -> list[Any]:
    try:
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise DiagramError(f"{where}{line}: not a YAML manifest ({problem})") from exc


def load_manifests(paths: Sequence[str]) -> Inventory:
    """The objects of the manifest files (``-``: standard input), as ``kubectl apply -f`` or
    ``kubectl get -o yaml`` has them: several documents per file, ``List`` objects opened."""
    documents: list[Any] = []
    for name in paths:
        if name == "-":
            documents += _documents(sys.stdin.read(), "<stdin>")
            continue
        path = Path(name)
        try:
            text = path.read_text()
        except OSError as exc:
            raise DiagramError(f"{name}: cannot read the manifest ({exc.strerror})") from exc
        documents += _documents(text, name)
    if not any(isinstance(d, dict) for d in documents):
        raise DiagramError(f"no Kubernetes objects in {', '.join(paths)}")
    return parse_inventory(documents)
