"""The graph drawn: Graphviz DOT (and through ``dot``, SVG and PNG), Mermaid text, JSON.

Every renderer draws a box that others run on as a frame around them (a DOT cluster, a Mermaid
subgraph), and every other edge as an arrow, styled by its kind. Each box's text starts with its
kind ("Pod: web-1"), so a picture says what each box is without a legend.

SVG and PNG need Graphviz's ``dot`` program (Debian's ``graphviz`` package), driven through the
``graphviz`` binding; when it is missing, :func:`render` raises :class:`DiagramError` (exit 14)
in one line, and Mermaid, JSON and DOT still work without it.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from dockyard.diagram._graph import BoxKind, EdgeKind, Graph
from dockyard.errors import DiagramError

__all__ = ["OutputFormat", "render", "to_dot", "to_json", "to_mermaid"]


class OutputFormat(StrEnum):
    SVG = "svg"
    PNG = "png"
    MERMAID = "mermaid"
    JSON = "json"
    DOT = "dot"

    @classmethod
    def for_path(cls, path: Path) -> OutputFormat | None:
        """The format a file name asks for (``.svg``, ``.png``, ``.mmd``/``.mermaid``,
        ``.json``, ``.dot``/``.gv``), None for another suffix."""
        suffixes = {".mmd": cls.MERMAID, ".gv": cls.DOT}
        suffix = path.suffix.lower()
        return suffixes.get(suffix) or next((f for f in cls if f".{f.value}" == suffix), None)

    @property
    def binary(self) -> bool:
        return self is OutputFormat.PNG


_FILL = {
    BoxKind.CLUSTER: "#f4f6fb",
    BoxKind.NODE: "#e3ecfa",
    BoxKind.POD: "#fdf3dc",
    BoxKind.CONTAINER: "#ffffff",
    BoxKind.SERVICE: "#e2f5e6",
    BoxKind.VOLUME: "#f1e6f7",
    BoxKind.NETWORK: "#e8f4f8",
    BoxKind.INGRESS: "#dff2ec",
    BoxKind.PORT: "#fbe5e1",
    BoxKind.CLIENT: "#eeeeee",
    BoxKind.INTERNET: "#eeeeee",
}
_SHAPE = {
    BoxKind.VOLUME: "cylinder",
    BoxKind.NETWORK: "hexagon",
    BoxKind.INTERNET: "ellipse",
    BoxKind.PORT: "cds",
    BoxKind.CLIENT: "box3d",
}
_DOT_EDGE = {
    EdgeKind.ROUTES_TO: {"color": "#c0392b", "penwidth": "1.6"},
    EdgeKind.COMMANDS: {"color": "#2c3e50", "style": "dashed"},
    EdgeKind.MOUNTS: {"color": "#8e44ad", "style": "dotted"},
    EdgeKind.ATTACHED_TO: {"color": "#7f8c8d", "arrowhead": "none"},
}


def _dot_text(lines: tuple[str, ...]) -> str:
    """Lines as one DOT label: backslashes kept literal, lines centred."""
    return "\\n".join(line.replace("\\", "\\\\") for line in lines)


def _digraph(graph: Graph) -> Any:
    import graphviz

    ids = {box.id: f"n{index}" for index, box in enumerate(graph.boxes)}
    dot = graphviz.Digraph(
        name="dockyard",
        graph_attr={
            "label": _dot_text((graph.title,)),
            "labelloc": "t",
            "compound": "true",
            "rankdir": "LR",
            "fontname": "Helvetica",
            "fontsize": "14",
            "nodesep": "0.3",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )

    def draw(into: Any, place: str | None) -> None:
        for box in graph.inside(place):
            if graph.holds(box.id):
                with into.subgraph(name=f"cluster_{ids[box.id]}") as frame:
                    frame.attr(
                        label=_dot_text(box.lines),
                        style="rounded,filled",
                        fillcolor=_FILL[box.kind],
                        color="#8a94a6",
                        fontname="Helvetica",
                    )
                    # an invisible anchor, so arrows can end at the frame (lhead/ltail)
                    frame.node(ids[box.id], label="", shape="point", style="invis", width="0")
                    draw(frame, box.id)
            else:
                into.node(
                    ids[box.id],
                    label=_dot_text(box.lines),
                    fillcolor=_FILL[box.kind],
                    shape=_SHAPE.get(box.kind, "box"),
                )

    draw(dot, None)
    for edge in graph.arrows():
        attributes = dict(_DOT_EDGE[edge.kind])
        if graph.holds(edge.source):
            attributes["ltail"] = f"cluster_{ids[edge.source]}"
        if graph.holds(edge.target):
            attributes["lhead"] = f"cluster_{ids[edge.target]}"
        label = _dot_text((edge.label,)) if edge.label else None
        dot.edge(ids[edge.source], ids[edge.target], label=label, **attributes)
    return dot


def to_dot(graph: Graph) -> str:
    """The graph as Graphviz DOT source."""
    return str(_digraph(graph).source)


def _mermaid_text(lines: tuple[str, ...]) -> str:
    escaped = (
        line.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
        for line in lines
    )
    return '"' + "<br/>".join(escaped) + '"'


_MERMAID_SHAPE = {
    BoxKind.VOLUME: ("[(", ")]"),
    BoxKind.NETWORK: ("{{", "}}"),
    BoxKind.INTERNET: ("((", "))"),
    BoxKind.PORT: (">", "]"),
    BoxKind.CLIENT: ("[/", "/]"),
}
_MERMAID_ARROW = {
    EdgeKind.ROUTES_TO: "==>",
    EdgeKind.COMMANDS: "-.->",
    EdgeKind.MOUNTS: "-->",
    EdgeKind.ATTACHED_TO: "---",
}


def to_mermaid(graph: Graph) -> str:
    """The graph as a Mermaid flowchart, for a README (GitHub and GitLab draw it)."""
    ids = {box.id: f"n{index}" for index, box in enumerate(graph.boxes)}
    # the front matter is YAML: a JSON string is a valid YAML one, whatever the title holds
    out = ["---", f"title: {json.dumps(graph.title, ensure_ascii=False)}", "---", "flowchart LR"]

    def draw(place: str | None, depth: int) -> None:
        indent = "  " * depth
        for box in graph.inside(place):
            if graph.holds(box.id):
                out.append(f"{indent}subgraph {ids[box.id]}[{_mermaid_text(box.lines)}]")
                draw(box.id, depth + 1)
                out.append(f"{indent}end")
            else:
                start, end = _MERMAID_SHAPE.get(box.kind, ("[", "]"))
                out.append(f"{indent}{ids[box.id]}{start}{_mermaid_text(box.lines)}{end}")

    draw(None, 1)
    for edge in graph.arrows():
        arrow = _MERMAID_ARROW[edge.kind]
        label = f"|{_mermaid_text((edge.label,))}|" if edge.label else ""
        out.append(f"  {ids[edge.source]} {arrow}{label} {ids[edge.target]}")
    for kind in BoxKind:
        members = [ids[b.id] for b in graph.boxes if b.kind is kind]
        if members:
            out.append(f"  classDef kind{kind.value} fill:{_FILL[kind]},stroke:#8a94a6")
            out.append(f"  class {','.join(members)} kind{kind.value}")
    return "\n".join(out) + "\n"


def to_json(graph: Graph) -> str:
    return json.dumps(graph.as_dict(), indent=2, ensure_ascii=False) + "\n"


def render(graph: Graph, output: OutputFormat) -> bytes:
    """The graph in ``output``; SVG and PNG run Graphviz's ``dot``."""
    if output is OutputFormat.MERMAID:
        return to_mermaid(graph).encode()
    if output is OutputFormat.JSON:
        return to_json(graph).encode()
    if output is OutputFormat.DOT:
        return to_dot(graph).encode()
    import graphviz

    try:
        data: bytes = _digraph(graph).pipe(format=output.value, quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise DiagramError(
            f"cannot draw {output.value.upper()}: Graphviz's dot is not installed "
            "(apt-get install graphviz), or use --format mermaid, json or dot"
        ) from exc
    except graphviz.CalledProcessError as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        last = stderr.strip().splitlines()[-1:] or [f"exit {exc.returncode}"]
        raise DiagramError(f"Graphviz's dot failed drawing {output.value}: {last[0]}") from exc
    return data
