from __future__ import annotations

from dockyard.diagram import BoxKind, EdgeKind, Graph, kubernetes_graph, load_manifests
from dockyard.kube.inventory import parse_inventory
from tests.unit.diagram.helpers import SHOP_AND_BLOG, edges, names, place


def shop_and_blog() -> Graph:
    return kubernetes_graph(load_manifests([str(SHOP_AND_BLOG)]), title="shop and blog")


def test_three_nodes_in_the_cluster_and_the_pods_on_their_nodes() -> None:
    graph = shop_and_blog()
    assert names(graph, BoxKind.CLUSTER) == ["shop and blog"]
    assert names(graph, BoxKind.NODE) == ["cp-1", "worker-1", "worker-2"]
    assert {place(graph, f"node:{n}") for n in ("cp-1", "worker-1", "worker-2")} == {
        "Cluster: shop and blog"
    }
    assert edges(graph, EdgeKind.RUNS_ON) >= {
        ("Pod: shop-web-7d4b9-x2k8q", "Node: worker-1", ""),
        ("Pod: shop-web-7d4b9-p9m4z", "Node: worker-2", ""),
        ("Pod: shop-db-0", "Node: worker-2", ""),
        ("Pod: blog-5f6c8-r7t2w", "Node: worker-1", ""),
        ("Container: postgres", "Pod: shop-db-0", ""),
        ("Container: ghost", "Pod: blog-5f6c8-r7t2w", ""),
    }
    assert graph.box("pod:shop/shop-db-0").detail == "StatefulSet shop-db · Running"
    assert graph.box("node:cp-1").detail == "control-plane · Ready · 10.0.0.10"


def test_both_applications_with_their_services_volumes_and_ingress() -> None:
    graph = shop_and_blog()
    assert names(graph, BoxKind.SERVICE) == ["shop-web", "shop-db", "blog"]
    assert names(graph, BoxKind.INGRESS) == ["shop"]
    assert names(graph, BoxKind.VOLUME) == ["data-shop-db-0", "blog-content"]
    assert names(graph, BoxKind.CONTAINER) == ["web", "web", "postgres", "ghost"]
    assert edges(graph, EdgeKind.MOUNTS) == {
        ("Container: postgres", "Volume: data-shop-db-0", "/var/lib/postgresql/data"),
        ("Container: ghost", "Volume: blog-content", "/var/lib/ghost/content"),
    }
    assert graph.box("claim:shop/data-shop-db-0").detail == (
        "PersistentVolumeClaim · 5Gi · local-path"
    )


def test_the_request_goes_from_the_internet_through_ingress_or_node_port_to_the_container() -> None:
    graph = shop_and_blog()
    assert edges(graph, EdgeKind.ROUTES_TO) == {
        ("Internet: the internet", "Ingress: shop", "HTTP"),
        ("Ingress: shop", "Service: shop-web", "shop.example.com/ → :80"),
        ("Service: shop-web", "Container: web", ":http"),
        ("Service: shop-db", "Container: postgres", ":5432"),
        ("Internet: the internet", "Port: 30080/TCP", "HTTP"),
        ("Port: 30080/TCP", "Service: blog", ":80"),
        ("Service: blog", "Container: ghost", ":2368"),
    }
    # both web replicas get the shop's requests
    web = [
        e.target
        for e in graph.edges
        if e.source == "service:shop/shop-web" and e.kind is EdgeKind.ROUTES_TO
    ]
    assert sorted(web) == [
        "container:shop/shop-web-7d4b9-p9m4z/web",
        "container:shop/shop-web-7d4b9-x2k8q/web",
    ]


def test_your_computer_sends_kubectl_to_the_control_plane_node() -> None:
    graph = shop_and_blog()
    assert edges(graph, EdgeKind.COMMANDS) == {
        ("Client: your computer", "Node: cp-1", "kubectl → API server")
    }


def test_without_a_control_plane_node_kubectl_goes_to_the_cluster_api_server() -> None:
    inventory = parse_inventory([{"kind": "Node", "metadata": {"name": "n1"}}])
    graph = kubernetes_graph(inventory, title="kind", api_server="https://127.0.0.1:6443")
    assert graph.box("cluster").detail == "API server https://127.0.0.1:6443"
    assert edges(graph, EdgeKind.COMMANDS) == {
        ("Client: your computer", "Cluster: kind", "kubectl → API server")
    }
    assert names(graph, BoxKind.INTERNET) == []  # nothing is exposed: no internet box


WORKLOADS = [
    {"kind": "Node", "metadata": {"name": "a"}},
    {"kind": "Node", "metadata": {"name": "b"}},
    {
        "kind": "Deployment",
        "metadata": {"name": "api"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "api"}},
            "template": {
                "metadata": {"labels": {"app": "api"}},
                "spec": {"containers": [{"name": "api", "image": "api:1"}]},
            },
        },
    },
    {
        "kind": "DaemonSet",
        "metadata": {"name": "logs", "namespace": "ops"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "logs"}},
                "spec": {
                    "containers": [
                        {
                            "name": "agent",
                            "image": "agent:2",
                            "volumeMounts": [{"name": "varlog", "mountPath": "/var/log"}],
                        }
                    ],
                    "volumes": [{"name": "varlog", "hostPath": {"path": "/var/log"}}],
                },
            }
        },
    },
]


def test_a_workload_without_pods_is_drawn_as_the_pods_its_template_asks_for() -> None:
    graph = kubernetes_graph(parse_inventory(WORKLOADS), title="t")
    assert names(graph, BoxKind.POD) == ["api-0", "api-1", "logs-a", "logs-b"]
    assert place(graph, "pod:default/api-0") == "Cluster: t"  # not scheduled yet
    assert graph.box("pod:default/api-0").detail == "Deployment api · not scheduled"
    assert place(graph, "pod:ops/logs-a") == "Node: a"
    assert place(graph, "pod:ops/logs-b") == "Node: b"
    # a hostPath is the node's: one per node, on it
    assert edges(graph, EdgeKind.MOUNTS) == {
        ("Container: agent", "Volume: /var/log", "/var/log"),
    }
    assert [place(graph, b.id) for b in graph.of_kind(BoxKind.VOLUME)] == ["Node: a", "Node: b"]


def test_kubectl_get_lists_and_the_older_ingress_backend_are_read() -> None:
    documents = [
        {
            "apiVersion": "v1",
            "kind": "List",
            "items": [
                {
                    "kind": "Service",
                    "metadata": {"name": "web"},
                    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
                },
                {
                    "kind": "Ingress",
                    "metadata": {"name": "in"},
                    "spec": {
                        "backend": {"serviceName": "web", "servicePort": 80},
                        "rules": [
                            {
                                "host": "a.example",
                                "http": {
                                    "paths": [
                                        {
                                            "path": "/old",
                                            "backend": {
                                                "serviceName": "gone",
                                                "servicePort": "http",
                                            },
                                        }
                                    ]
                                },
                            }
                        ],
                    },
                },
            ],
        }
    ]
    graph = kubernetes_graph(parse_inventory(documents), title="t")
    assert edges(graph, EdgeKind.ROUTES_TO) == {
        ("Internet: the internet", "Ingress: in", "HTTP"),
        ("Ingress: in", "Service: web", "/ → :80"),
        ("Ingress: in", "Service: gone", "a.example/old → :http"),
    }
    assert graph.box("service:default/gone").detail == "not in the inventory"


def test_every_edge_joins_boxes_of_the_graph_and_each_box_has_one_place() -> None:
    graph = shop_and_blog()
    ids = {b.id for b in graph.boxes}
    assert all(e.source in ids and e.target in ids for e in graph.edges)
    places = [e.source for e in graph.edges if e.kind is EdgeKind.RUNS_ON]
    assert len(places) == len(set(places))
    # only your computer and the internet stand outside the cluster
    assert [b.label for b in graph.inside(None)] == [
        "Cluster: shop and blog",
        "Client: your computer",
        "Internet: the internet",
    ]
