"""The renderers: Mermaid text exactly, SVG and PNG drawn for real by Graphviz's dot."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from dockyard.diagram import (
    Box,
    BoxKind,
    EdgeKind,
    Graph,
    GraphBuilder,
    OutputFormat,
    kubernetes_graph,
    load_manifests,
    render,
    to_dot,
    to_json,
    to_mermaid,
)
from dockyard.errors import DiagramError
from tests.unit.diagram.helpers import SHOP_AND_BLOG, svg_texts


def small() -> Graph:
    graph = GraphBuilder('a "small" one')
    graph.add(Box("cluster", BoxKind.CLUSTER, "c"))
    graph.add(Box("node", BoxKind.NODE, "n1", "worker"), on="cluster")
    graph.add(Box("pod", BoxKind.POD, "web-0"), on="node")
    graph.add(Box("app", BoxKind.CONTAINER, "app", "app:1 <latest>"), on="pod")
    graph.add(Box("vol", BoxKind.VOLUME, "data"), on="cluster")
    graph.add(Box("client", BoxKind.CLIENT, "your computer"))
    graph.add(Box("internet", BoxKind.INTERNET, "the internet"))
    graph.link("app", "vol", EdgeKind.MOUNTS, "/data")
    graph.link("client", "cluster", EdgeKind.COMMANDS, "kubectl")
    graph.link("internet", "app", EdgeKind.ROUTES_TO, "HTTP")
    return graph.build()


def test_mermaid_nests_what_runs_on_a_box_and_draws_the_other_edges_as_arrows() -> None:
    assert to_mermaid(small()) == (
        "---\n"
        'title: "a \\"small\\" one"\n'
        "---\n"
        "flowchart LR\n"
        '  subgraph n0["Cluster: c"]\n'
        '    subgraph n1["Node: n1<br/>worker"]\n'
        '      subgraph n2["Pod: web-0"]\n'
        '        n3["Container: app<br/>app:1 #lt;latest#gt;"]\n'
        "      end\n"
        "    end\n"
        '    n4[("Volume: data")]\n'
        "  end\n"
        '  n5[/"Client: your computer"/]\n'
        '  n6(("Internet: the internet"))\n'
        '  n3 -->|"/data"| n4\n'
        '  n5 -.->|"kubectl"| n0\n'
        '  n6 ==>|"HTTP"| n3\n'
        "  classDef kindCluster fill:#f4f6fb,stroke:#8a94a6\n"
        "  class n0 kindCluster\n"
        "  classDef kindNode fill:#e3ecfa,stroke:#8a94a6\n"
        "  class n1 kindNode\n"
        "  classDef kindPod fill:#fdf3dc,stroke:#8a94a6\n"
        "  class n2 kindPod\n"
        "  classDef kindContainer fill:#ffffff,stroke:#8a94a6\n"
        "  class n3 kindContainer\n"
        "  classDef kindVolume fill:#f1e6f7,stroke:#8a94a6\n"
        "  class n4 kindVolume\n"
        "  classDef kindClient fill:#eeeeee,stroke:#8a94a6\n"
        "  class n5 kindClient\n"
        "  classDef kindInternet fill:#eeeeee,stroke:#8a94a6\n"
        "  class n6 kindInternet\n"
    )


def test_mermaid_of_the_manifest_set_has_every_box_once() -> None:
    graph = kubernetes_graph(load_manifests([str(SHOP_AND_BLOG)]), title="shop and blog")
    text = to_mermaid(graph)
    declared = re.findall(r"^\s*(?:subgraph )?(n\d+)[\[\(\{>]", text, flags=re.MULTILINE)
    assert sorted(declared) == sorted(f"n{i}" for i in range(len(graph.boxes)))
    lines = [line.strip() for line in text.splitlines()]
    frames = [line for line in lines if line.startswith("subgraph ")]
    assert len(frames) == lines.count("end") == len([b for b in graph.boxes if graph.holds(b.id)])


def test_the_svg_drawn_by_dot_carries_every_box_label_and_edge_label() -> None:
    graph = kubernetes_graph(load_manifests([str(SHOP_AND_BLOG)]), title="shop and blog")
    svg = render(graph, OutputFormat.SVG)
    assert svg.lstrip().startswith(b"<?xml")
    assert b"<svg" in svg
    texts = svg_texts(svg)
    for box in graph.boxes:
        assert box.label in texts, box.label
        if box.detail:
            assert box.detail in texts, box.detail
    assert "shop.example.com/ → :80" in texts
    assert "kubectl → API server" in texts


def test_png_is_drawn_by_dot() -> None:
    png = render(small(), OutputFormat.PNG)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_dot_source_frames_the_boxes_others_run_on() -> None:
    source = to_dot(small())
    assert "compound=true" in source
    assert re.search(r"subgraph cluster_n0 \{", source)
    assert re.search(r"subgraph cluster_n2 \{", source)  # the pod, inside the node
    assert "lhead=cluster_n0" in source  # kubectl ends at the cluster's frame
    assert '"Container: app\\napp:1 <latest>"' in source


def test_json_is_the_graph_itself() -> None:
    document = json.loads(to_json(small()))
    assert document["title"] == 'a "small" one'
    assert document["boxes"][3] == {
        "id": "app",
        "kind": "Container",
        "name": "app",
        "detail": "app:1 <latest>",
    }
    assert {"from": "app", "to": "pod", "kind": "runs-on", "label": ""} in document["edges"]
    assert {"from": "internet", "to": "app", "kind": "routes-to", "label": "HTTP"} in document[
        "edges"
    ]


def test_without_graphviz_svg_fails_in_one_line_and_mermaid_still_works(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert shutil.which("dot"), "Graphviz's dot is not installed (scripts/provision installs it)"
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there: no dot
    with pytest.raises(DiagramError) as caught:
        render(small(), OutputFormat.SVG)
    assert caught.value.exit_code == 14
    assert str(caught.value) == (
        "cannot draw SVG: Graphviz's dot is not installed (apt-get install graphviz), "
        "or use --format mermaid, json or dot"
    )
    assert render(small(), OutputFormat.MERMAID).startswith(b"---\ntitle: ")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.svg", OutputFormat.SVG),
        ("a.PNG", OutputFormat.PNG),
        ("a.mmd", OutputFormat.MERMAID),
        ("a.mermaid", OutputFormat.MERMAID),
        ("a.json", OutputFormat.JSON),
        ("a.gv", OutputFormat.DOT),
        ("a.dot", OutputFormat.DOT),
        ("a.txt", None),
    ],
)
def test_the_format_follows_the_file_suffix(name: str, expected: OutputFormat | None) -> None:
    assert OutputFormat.for_path(Path(name)) is expected
