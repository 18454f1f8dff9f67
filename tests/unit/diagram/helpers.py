"""Reading a graph the way a person reads the picture: boxes by their text, edges by the boxes
they join."""

from __future__ import annotations

import html
import re
from pathlib import Path

from dockyard.diagram import BoxKind, EdgeKind, Graph

DATA = Path(__file__).parents[2] / "data" / "diagram"
SHOP_AND_BLOG = DATA / "shop-and-blog.yaml"


def names(graph: Graph, kind: BoxKind) -> list[str]:
    return [box.name for box in graph.of_kind(kind)]


def edges(graph: Graph, kind: EdgeKind) -> set[tuple[str, str, str]]:
    """(source label, target label, edge label) of every edge of ``kind``."""
    return {
        (graph.box(e.source).label, graph.box(e.target).label, e.label)
        for e in graph.edges
        if e.kind is kind
    }


def place(graph: Graph, box_id: str) -> str | None:
    """The label of the box ``box_id`` runs on."""
    where = graph.place(box_id)
    return graph.box(where).label if where is not None else None


def svg_texts(svg: bytes) -> list[str]:
    """The lines of text a person reads in an SVG (dot writes "-" as "&#45;")."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())]
