"""``dockyard diagram``: draw what runs where, from a compose project, a swarm, a Kubernetes
cluster or manifest files.

Three layers, kept apart: collectors read a source into typed state (:func:`collect_compose`,
:func:`collect_swarm`, :func:`collect_cluster`, :func:`load_manifests`); pure functions turn that
state into a :class:`Graph` of typed boxes and edges (:func:`compose_graph`,
:func:`swarm_graph`, :func:`kubernetes_graph`); renderers draw a graph (:func:`render`: SVG and
PNG through Graphviz, Mermaid, JSON, DOT).
"""

from __future__ import annotations

from dockyard.diagram._collect import (
    collect_cluster,
    collect_compose,
    collect_swarm,
    load_manifests,
)
from dockyard.diagram._from_engine import ComposeState, SwarmState, compose_graph, swarm_graph
from dockyard.diagram._from_kubernetes import kubernetes_graph
from dockyard.diagram._graph import Box, BoxKind, Edge, EdgeKind, Graph, GraphBuilder
from dockyard.diagram._output import OutputFormat, render, to_dot, to_json, to_mermaid

__all__ = [
    "Box",
    "BoxKind",
    "ComposeState",
    "Edge",
    "EdgeKind",
    "Graph",
    "GraphBuilder",
    "OutputFormat",
    "SwarmState",
    "collect_cluster",
    "collect_compose",
    "collect_swarm",
    "compose_graph",
    "kubernetes_graph",
    "load_manifests",
    "render",
    "swarm_graph",
    "to_dot",
    "to_json",
    "to_mermaid",
]
