"""kube.inventory's parser: Kubernetes documents (a cluster's or manifest files') to typed
objects."""

from __future__ import annotations

from dockyard.diagram import BoxKind, kubernetes_graph
from dockyard.kube.inventory import (
    NodeObject,
    PodContainer,
    PodMount,
    ServicePort,
    parse_inventory,
)
from tests.unit.diagram.helpers import names, place


def test_nodes_roles_readiness_and_address() -> None:
    inventory = parse_inventory(
        [
            {
                "kind": "Node",
                "metadata": {
                    "name": "m",
                    "labels": {"node-role.kubernetes.io/master": "", "kubernetes.io/os": "linux"},
                },
                "status": {
                    "addresses": [
                        {"type": "Hostname", "address": "m"},
                        {"type": "InternalIP", "address": "10.1.0.1"},
                    ],
                    "conditions": [{"type": "Ready", "status": "False"}],
                },
            },
            {"kind": "Node", "metadata": {"name": "w"}},
        ]
    )
    assert inventory.nodes == (
        NodeObject(name="m", roles=("master",), ready=False, address="10.1.0.1"),
        NodeObject(name="w", roles=(), ready=None, address=""),
    )
    assert inventory.nodes[0].control_plane
    assert not inventory.nodes[1].control_plane


def test_pods_containers_ports_mounts_claims_and_owner() -> None:
    [pod] = parse_inventory(
        [
            {
                "kind": "Pod",
                "metadata": {
                    "name": "web-1",
                    "labels": {"app": "web"},
                    "ownerReferences": [
                        {"kind": "Thing", "name": "other"},
                        {"kind": "ReplicaSet", "name": "web-5d", "controller": True},
                    ],
                },
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "app:1",
                            "ports": [{"containerPort": 8080, "name": "http"}],
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        }
                    ],
                    "volumes": [
                        {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
                        {"name": "tmp", "emptyDir": {}},
                    ],
                },
            }
        ]
    ).pods
    assert pod.namespace == "default"
    assert pod.node_name == ""
    assert pod.owner == "ReplicaSet/web-5d"
    assert pod.containers == (
        PodContainer("app", "app:1", ports=((8080, "http"),), mounts=(PodMount("data", "/data"),)),
    )
    assert pod.claims == {"data": "web-data"}


def test_service_ports_default_their_target_to_the_port() -> None:
    [service] = parse_inventory(
        [
            {
                "kind": "Service",
                "metadata": {"name": "s", "namespace": "n"},
                "spec": {
                    "type": "NodePort",
                    "ports": [
                        {"port": 80},
                        {"port": 443, "targetPort": "https", "nodePort": 30443},
                        {"port": 53, "targetPort": "53", "protocol": "UDP"},
                    ],
                },
            }
        ]
    ).services
    assert service.ports == (
        ServicePort(80, 80),
        ServicePort(443, "https", node_port=30443),
        ServicePort(53, 53, protocol="UDP"),
    )


def test_kinds_not_drawn_are_passed_over_and_jobs_count_their_parallelism() -> None:
    inventory = parse_inventory(
        [
            {"kind": "ConfigMap", "metadata": {"name": "c"}},
            None,
            "not an object",
            {
                "kind": "Job",
                "metadata": {"name": "j"},
                "spec": {"parallelism": 3, "template": {"spec": {"containers": []}}},
            },
        ]
    )
    assert [(w.kind, w.name, w.replicas) for w in inventory.workloads] == [("Job", "j", 3)]
    assert inventory.pods == ()
    assert inventory.nodes == ()


def test_a_node_only_a_pod_names_is_drawn_as_not_listed() -> None:
    inventory = parse_inventory(
        [
            {
                "kind": "Pod",
                "metadata": {"name": "p"},
                "spec": {"nodeName": "hidden", "containers": [{"name": "c", "image": "i"}]},
            }
        ]
    )
    graph = kubernetes_graph(inventory, title="t")
    assert names(graph, BoxKind.NODE) == ["hidden"]
    assert graph.box("node:hidden").detail == "not listed"
    assert place(graph, "pod:default/p") == "Node: hidden"
