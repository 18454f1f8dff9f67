"""Dependencies between containers, and the order that respects them.

A container depends on another through a legacy link, ``network_mode: container:X``, the
depends-on label (comma-separated names) or compose's ``com.docker.compose.depends_on`` label
(services of the same compose project). Dependencies start first and stop last; when a
container is replaced, the containers that depend on it are recreated after it.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping, Sequence

from dockyard.engine import ContainerInfo
from dockyard.update._labels import (
    COMPOSE_DEPENDS_ON,
    COMPOSE_PROJECT,
    COMPOSE_SERVICE,
    label_value,
)

__all__ = ["dependencies", "dependency_levels", "dependents_of", "in_dependency_order"]


def dependencies(container: ContainerInfo, *, all_containers: Sequence[ContainerInfo]) -> set[str]:
    """Names of the containers ``container`` depends on (only those that exist)."""
    by_id = {c.id: c.name for c in all_containers}
    names = {c.name for c in all_containers}
    found: set[str] = set()
    for link in container.links:
        found.add(link.split(":", 1)[0].strip("/"))
    mode = container.network_mode
    if mode.startswith("container:"):
        target = mode.split(":", 1)[1]
        found.add(by_id.get(target, target))
    declared = label_value(container.labels, "depends-on") or ""
    found |= {n.strip().lstrip("/") for n in declared.split(",") if n.strip()}
    found |= _compose_dependencies(container, all_containers)
    found.discard(container.name)
    return found & names


def _compose_dependencies(
    container: ContainerInfo, all_containers: Sequence[ContainerInfo]
) -> set[str]:
    declared = container.labels.get(COMPOSE_DEPENDS_ON) or ""
    project = container.labels.get(COMPOSE_PROJECT)
    services = {entry.split(":", 1)[0].strip() for entry in declared.split(",") if entry.strip()}
    return {
        c.name
        for c in all_containers
        if c.labels.get(COMPOSE_PROJECT) == project and c.labels.get(COMPOSE_SERVICE) in services
    }


def _graph(containers: Sequence[ContainerInfo]) -> dict[str, set[str]]:
    return {c.name: dependencies(c, all_containers=containers) for c in containers}


def in_dependency_order(
    names: Iterable[str], *, all_containers: Sequence[ContainerInfo]
) -> list[str]:
    """``names`` with every dependency before its dependents (cycles broken by name order)."""
    wanted = set(names)
    graph = _graph(all_containers)
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name in sorted(wanted):
        sorter.add(name, *sorted(graph.get(name, set()) & wanted))
    try:
        return list(sorter.static_order())
    except graphlib.CycleError:
        return sorted(wanted)


def dependency_levels(
    names: Iterable[str], *, all_containers: Sequence[ContainerInfo]
) -> list[list[str]]:
    """``names`` in groups: each group depends only on earlier groups (cycles: one group)."""
    wanted = set(names)
    graph = _graph(all_containers)
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name in sorted(wanted):
        sorter.add(name, *sorted(graph.get(name, set()) & wanted))
    try:
        sorter.prepare()
    except graphlib.CycleError:
        return [sorted(wanted)]
    levels = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        levels.append(ready)
        sorter.done(*ready)
    return levels


def dependents_of(names: Iterable[str], *, all_containers: Sequence[ContainerInfo]) -> set[str]:
    """Every container that depends, directly or through others, on one of ``names``."""
    graph: Mapping[str, set[str]] = _graph(all_containers)
    found: set[str] = set()
    frontier = set(names)
    while frontier:
        nxt = {n for n, deps in graph.items() if deps & frontier and n not in found}
        nxt -= set(names)
        found |= nxt
        frontier = nxt
    return found
