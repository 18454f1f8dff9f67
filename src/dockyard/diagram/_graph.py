"""The picture as data: boxes of a kind, and typed edges between them.

A box ``runs-on`` at most one other box, its place: a container on a node or in a pod, a pod on
a node, a node in a cluster, a cluster-wide service, volume or network in its cluster. The
renderers draw that as nesting (a box inside the box it runs on); every other edge is an arrow:
``mounts`` (container to volume), ``attached-to`` (container to network), ``routes-to`` (the
path of a request: internet, port or ingress, service, container) and ``commands`` (your
computer to the control plane or manager).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

__all__ = ["Box", "BoxKind", "Edge", "EdgeKind", "Graph", "GraphBuilder", "short_image"]


def short_image(reference: str) -> str:
    """An image reference short enough for a box: a digest cut to its first 12 hex digits."""
    name, at, digest = reference.partition("@")
    algorithm, _, value = digest.partition(":")
    return f"{name}@{algorithm}:{value[:12]}" if at and value else reference


class BoxKind(StrEnum):
    CLUSTER = "Cluster"
    NODE = "Node"
    POD = "Pod"
    CONTAINER = "Container"
    SERVICE = "Service"
    VOLUME = "Volume"
    NETWORK = "Network"
    INGRESS = "Ingress"
    PORT = "Port"
    CLIENT = "Client"
    INTERNET = "Internet"


class EdgeKind(StrEnum):
    RUNS_ON = "runs-on"
    MOUNTS = "mounts"
    ATTACHED_TO = "attached-to"
    ROUTES_TO = "routes-to"
    COMMANDS = "commands"


@dataclass(frozen=True)
class Box:
    id: str  # unique in its graph, e.g. "pod:shop/web-1"
    kind: BoxKind
    name: str
    detail: str = ""  # a second line: image, role, size, ...

    @property
    def label(self) -> str:
        """What the box says first: its kind, then its name."""
        return f"{self.kind.value}: {self.name}"

    @property
    def lines(self) -> tuple[str, ...]:
        return (self.label, self.detail) if self.detail else (self.label,)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    label: str = ""


@dataclass(frozen=True)
class Graph:
    title: str
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]

    def box(self, box_id: str) -> Box:
        return next(b for b in self.boxes if b.id == box_id)

    @cached_property
    def _places(self) -> dict[str, str]:
        return {e.source: e.target for e in self.edges if e.kind is EdgeKind.RUNS_ON}

    def place(self, box_id: str) -> str | None:
        """The box ``box_id`` runs on, None for a top-level one."""
        return self._places.get(box_id)

    def inside(self, box_id: str | None) -> list[Box]:
        """The boxes that run on ``box_id`` (None: the top-level ones), in graph order."""
        return [b for b in self.boxes if self._places.get(b.id) == box_id]

    def holds(self, box_id: str) -> bool:
        """Some box runs on this one: it is drawn as a frame around them."""
        return box_id in self._holders

    @cached_property
    def _holders(self) -> frozenset[str]:
        return frozenset(self._places.values())

    def arrows(self) -> Iterator[Edge]:
        """The edges drawn as arrows: all but runs-on."""
        return (e for e in self.edges if e.kind is not EdgeKind.RUNS_ON)

    def of_kind(self, kind: BoxKind) -> list[Box]:
        return [b for b in self.boxes if b.kind is kind]

    def as_dict(self) -> dict[str, Any]:
        """The graph for ``--format json``: boxes and edges, kinds as their names."""
        return {
            "title": self.title,
            "boxes": [
                {"id": b.id, "kind": b.kind.value, "name": b.name, "detail": b.detail}
                for b in self.boxes
            ],
            "edges": [
                {"from": e.source, "to": e.target, "kind": e.kind.value, "label": e.label}
                for e in self.edges
            ],
        }


@dataclass
class GraphBuilder:
    """Collects boxes and edges: a box added twice is kept once (the first), an edge too; a
    box gets one place (its first runs-on)."""

    title: str
    _boxes: dict[str, Box] = field(default_factory=dict)
    _edges: dict[tuple[str, str, EdgeKind, str], Edge] = field(default_factory=dict)
    _placed: set[str] = field(default_factory=set)

    def add(self, box: Box, *, on: str | None = None) -> str:
        """Add ``box`` (running on the box ``on``, when given); its id."""
        self._boxes.setdefault(box.id, box)
        if on is not None:
            self.link(box.id, on, EdgeKind.RUNS_ON)
        return box.id

    def link(self, source: str, target: str, kind: EdgeKind, label: str = "") -> None:
        if kind is EdgeKind.RUNS_ON:
            if source in self._placed:
                return
            self._placed.add(source)
        key = (source, target, kind, label)
        self._edges.setdefault(key, Edge(source, target, kind, label))

    def __contains__(self, box_id: object) -> bool:
        return box_id in self._boxes

    def build(self) -> Graph:
        """The graph; an edge naming a box that was never added is a bug of its collector."""
        for edge in self._edges.values():
            missing = {edge.source, edge.target} - self._boxes.keys()
            if missing:
                raise ValueError(f"edge {edge} names boxes never added: {sorted(missing)}")
        return Graph(self.title, tuple(self._boxes.values()), tuple(self._edges.values()))
