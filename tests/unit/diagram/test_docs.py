"""docs/diagram.md shows what the command draws from the test manifests, not an old picture."""

from __future__ import annotations

from pathlib import Path

from dockyard.diagram import kubernetes_graph, load_manifests, to_mermaid
from tests.unit.diagram.helpers import SHOP_AND_BLOG, svg_texts

DOCS = Path(__file__).parents[3] / "docs"


def test_the_mermaid_in_the_docs_is_the_commands_output() -> None:
    graph = kubernetes_graph(load_manifests([str(SHOP_AND_BLOG)]), title="shop and blog")
    page = (DOCS / "diagram.md").read_text()
    assert f"```mermaid\n{to_mermaid(graph)}```" in page


def test_the_svg_in_the_docs_has_every_box_of_the_manifests() -> None:
    graph = kubernetes_graph(load_manifests([str(SHOP_AND_BLOG)]), title="shop and blog")
    svg = (DOCS / "images" / "diagram-shop-and-blog.svg").read_bytes()
    texts = svg_texts(svg)
    for box in graph.boxes:
        assert box.label in texts, box.label
