"""``dockyard diagram kubernetes`` on the real test cluster's API server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.integration.diagram.conftest import (
    DIAGRAM_READS,
    KubeApp,
    Picture,
    diagram,
    graph_of,
    namespaced_reader,
    svg_texts,
)


def test_the_cluster_is_drawn_with_the_pod_on_its_node_and_the_request_path(
    kubeconfig: str, kube_app: KubeApp
) -> None:
    picture = Picture(
        graph_of("kubernetes", "--kubeconfig", kubeconfig, "--namespace", kube_app.namespace)
    )
    assert picture.names("Node") == [kube_app.node]
    [cluster] = picture.names("Cluster")
    assert cluster == yaml.safe_load(Path(kubeconfig).read_text())["current-context"]
    assert picture.of("Cluster", cluster)["detail"] == "API server https://127.0.0.1:6443"
    assert picture.names("Pod") == [kube_app.name]
    pod = picture.of("Pod", kube_app.name)
    assert picture.place(pod["id"]) == f"Node: {kube_app.node}"
    assert pod["detail"] == "Deployment web · Running"
    assert picture.names("Container") == ["app"]
    assert picture.place(picture.of("Container", "app")["id"]) == f"Pod: {kube_app.name}"
    port = f"Port: {kube_app.node_port}/TCP"
    assert picture.links("routes-to") == {
        ("Internet: the internet", "Ingress: web", "HTTP"),
        ("Ingress: web", "Service: web", "web.example.test/ → :80"),
        ("Internet: the internet", port, "HTTP"),
        (port, "Service: web", ":80"),
        ("Service: web", "Container: app", ":http"),
    }
    assert picture.links("mounts") == {("Container: app", f"Volume: {kube_app.host_path}", "/data")}
    host_path = picture.of("Volume", kube_app.host_path)
    assert host_path["detail"] == "hostPath"
    assert picture.place(host_path["id"]) == f"Node: {kube_app.node}"
    claim = picture.of("Volume", kube_app.claim)
    assert claim["detail"] == "PersistentVolumeClaim · 16Mi"
    assert picture.place(claim["id"]) == f"Cluster: {cluster}"
    # the test cluster's control plane runs beside its node, not on it: kubectl goes to the
    # cluster's API server
    assert picture.links("commands") == {
        ("Client: your computer", f"Cluster: {cluster}", "kubectl → API server")
    }


def test_the_svg_carries_the_labels(kubeconfig: str, kube_app: KubeApp, tmp_path: Path) -> None:
    target = tmp_path / "cluster.png"
    done = diagram(
        "kubernetes", "--kubeconfig", kubeconfig, "-n", kube_app.namespace, "-o", str(target)
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"\x89PNG")
    svg = tmp_path / "cluster.svg"
    done = diagram(
        "kubernetes", "--kubeconfig", kubeconfig, "-n", kube_app.namespace, "-o", str(svg)
    )
    assert done.returncode == 0, done.stderr
    texts = svg_texts(svg)
    for label in (
        f"Node: {kube_app.node}",
        f"Pod: {kube_app.name}",
        "Container: app",
        "Service: web",
        "Ingress: web",
        f"Volume: {kube_app.claim}",
        f"Port: {kube_app.node_port}/TCP",
        "Client: your computer",
    ):
        assert label in texts, label


def test_an_unreachable_api_server_is_one_line_with_exit_13(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
        "users: [{name: u, user: {token: not-a-secret}}]\n"
    )
    done = diagram("kubernetes", "--kubeconfig", str(config))
    assert done.returncode == 13
    assert done.stderr.startswith("dockyard: error: listing nodes: no Kubernetes API server")
    assert done.stderr.count("\n") == 1


def test_a_namespaced_role_draws_without_listing_nodes(
    api_client: Any, kube_app: KubeApp, tmp_path: Path
) -> None:
    kubeconfig = namespaced_reader(
        api_client, kube_app.namespace, "viewer", DIAGRAM_READS, tmp_path / "viewer"
    )
    picture = Picture(graph_of("kubernetes", "--kubeconfig", kubeconfig))
    node = picture.of("Node", kube_app.node)
    assert node["detail"] == "not listed"  # nodes are cluster-wide: the Role cannot list them
    assert picture.place(picture.of("Pod", kube_app.name)["id"]) == f"Node: {kube_app.node}"
    assert ("Service: web", "Container: app", ":http") in picture.links("routes-to")


def test_a_role_without_a_read_fails_in_one_line_naming_it(
    api_client: Any, kube_app: KubeApp, tmp_path: Path
) -> None:
    reads = tuple(r for r in DIAGRAM_READS if r[1] != "ingresses")
    kubeconfig = namespaced_reader(api_client, kube_app.namespace, "partial", reads, tmp_path / "p")
    done = diagram("kubernetes", "--kubeconfig", kubeconfig)
    assert done.returncode == 13
    assert done.stderr.startswith(
        f"dockyard: error: listing ingresses in {kube_app.namespace}: forbidden by RBAC ("
    )
    assert done.stderr.count("\n") == 1
