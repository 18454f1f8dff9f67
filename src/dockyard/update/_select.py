"""Which containers a cycle looks at: states, names or patterns, opt-in/opt-out labels, scope."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dockyard.engine import ContainerInfo, ServiceInspect
from dockyard.update._labels import label_bool, label_value

__all__ = ["Selection", "select_containers", "select_services"]


@dataclass(frozen=True)
class Selection:
    """The selection options of ``watch`` (watchtower's, with the same meaning)."""

    names: Sequence[str] = ()  # exact names or regular expressions matching the whole name
    label_enable: bool = False  # only containers labelled enable=true
    scope: str | None = None  # only containers whose scope label equals this; "none": unlabelled
    include_stopped: bool = False
    include_restarting: bool = False
    revive_stopped: bool = False


def select_containers(
    containers: Iterable[ContainerInfo], *, selection: Selection
) -> list[ContainerInfo]:
    return [c for c in containers if _selected(c, selection)]


def select_services(
    services: Iterable[ServiceInspect], *, selection: Selection
) -> list[ServiceInspect]:
    """Swarm services, by the same names, patterns and labels (set on the service)."""
    return [
        s
        for s in services
        if _name_ok(s.name, selection.names)
        and _enable_ok(s.labels, selection.label_enable)
        and _scope_ok(s.labels, selection.scope)
    ]


def _selected(container: ContainerInfo, selection: Selection) -> bool:
    return (
        _state_ok(container, selection)
        and _name_ok(container.name, selection.names)
        and _enable_ok(container.labels, selection.label_enable)
        and _scope_ok(container.labels, selection.scope)
    )


def _state_ok(container: ContainerInfo, selection: Selection) -> bool:
    if container.status == "running":
        return True
    if container.status == "restarting":
        return selection.include_restarting
    if container.status in ("created", "exited"):
        return selection.include_stopped
    return False


def _name_ok(name: str, patterns: Sequence[str]) -> bool:
    if not patterns:
        return True
    for pattern in patterns:
        if pattern.lstrip("/") == name:
            return True
        try:
            if re.fullmatch(pattern, name):
                return True
        except re.error:
            continue
    return False


def _enable_ok(labels: Mapping[str, str], label_enable: bool) -> bool:
    enabled = label_bool(labels, "enable")
    if label_enable:
        return enabled is True
    return enabled is not False


def _scope_ok(labels: Mapping[str, str], scope: str | None) -> bool:
    own = label_value(labels, "scope") or None
    if scope is None:
        return True
    if scope == "none":
        return own is None
    return own == scope
