"""The typed views of StatefulSets and DaemonSets, and the choice of the revision a rollback
returns to, over the official client's own model objects (an in-memory stand-in for the API)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from kubernetes import client as k8s

from dockyard.errors import ClusterError
from dockyard.kube import (
    Cluster,
    DaemonSet,
    StatefulSet,
    UpdateStrategy,
    WorkloadKind,
    list_workloads,
    roll_back_workload,
)


def template(image: str) -> k8s.V1PodTemplateSpec:
    return k8s.V1PodTemplateSpec(
        metadata=k8s.V1ObjectMeta(labels={"app": "db"}),
        spec=k8s.V1PodSpec(
            containers=[k8s.V1Container(name="app", image=image)],
            image_pull_secrets=[k8s.V1LocalObjectReference(name="registry")],
        ),
    )


def statefulset(**status: Any) -> k8s.V1StatefulSet:
    return k8s.V1StatefulSet(
        metadata=k8s.V1ObjectMeta(
            namespace="ns", name="db", uid="u-db", generation=3, annotations={"a": "b"}
        ),
        spec=k8s.V1StatefulSetSpec(
            replicas=3,
            service_name="db",
            selector=k8s.V1LabelSelector(match_labels={"app": "db"}),
            template=template("repo/app:1@sha256:new"),
            update_strategy=k8s.V1StatefulSetUpdateStrategy(
                type="RollingUpdate",
                rolling_update=k8s.V1RollingUpdateStatefulSetStrategy(partition=1),
            ),
        ),
        status=k8s.V1StatefulSetStatus(
            **{
                "replicas": 3,
                "observed_generation": 3,
                "ready_replicas": 2,
                "updated_replicas": 1,
                "current_revision": "db-a",
                "update_revision": "db-c",
                **status,
            }
        ),
    )


def revision(name: str, number: int, image: str, owner: str = "u-db") -> k8s.V1ControllerRevision:
    data = {"spec": {"template": {**k8s.ApiClient().sanitize_for_serialization(template(image))}}}
    data["spec"]["template"]["$patch"] = "replace"
    return k8s.V1ControllerRevision(
        metadata=k8s.V1ObjectMeta(
            name=name,
            owner_references=[
                k8s.V1OwnerReference(
                    api_version="apps/v1", kind="StatefulSet", name="db", uid=owner, controller=True
                )
            ],
        ),
        revision=number,
        data=data,
    )


class Items:
    def __init__(self, items: list[Any]) -> None:
        self.items = items


class FakeApps:
    def __init__(self, current: Any, revisions: list[Any]) -> None:
        self.current = current
        self.revisions = revisions
        self.patches: list[Any] = []

    def list_namespaced_stateful_set(self, namespace: str) -> Items:
        return Items([self.current])

    def list_namespaced_daemon_set(self, namespace: str) -> Items:
        return Items([self.current])

    def read_namespaced_stateful_set(self, name: str, namespace: str) -> Any:
        return self.current

    def list_namespaced_controller_revision(self, namespace: str, label_selector: str) -> Items:
        assert label_selector == "app=db"
        return Items(self.revisions)

    def patch_namespaced_stateful_set(self, name: str, namespace: str, body: Any) -> None:
        self.patches.append(body)


def cluster(apps: FakeApps) -> Cluster:
    fake: Any = type("FakeCluster", (), {})()
    fake.apps, fake.host = apps, "https://127.0.0.1:6443"
    return cast(Cluster, fake)


def test_a_statefulset_as_dockyard_reads_it() -> None:
    [found] = list_workloads(
        cluster(FakeApps(statefulset(), [])), WorkloadKind.STATEFULSET, namespace="ns"
    )
    assert isinstance(found, StatefulSet)
    assert (found.kind, found.ref, found.replicas, found.partition) == (
        WorkloadKind.STATEFULSET,
        "ns/db",
        3,
        1,
    )
    assert (found.ready_replicas, found.updated_replicas) == (2, 1)
    assert (found.current_revision, found.update_revision) == ("db-a", "db-c")
    assert found.strategy is UpdateStrategy.ROLLING_UPDATE
    assert found.pull_secrets == ("registry",)
    assert found.containers[0].image == "repo/app:1@sha256:new"


def test_a_daemonset_with_on_delete_as_dockyard_reads_it() -> None:
    body = k8s.V1DaemonSet(
        metadata=k8s.V1ObjectMeta(namespace="ns", name="agent", uid="u", generation=2),
        spec=k8s.V1DaemonSetSpec(
            selector=k8s.V1LabelSelector(match_labels={"app": "db"}),
            template=template("repo/app:1"),
            update_strategy=k8s.V1DaemonSetUpdateStrategy(type="OnDelete"),
        ),
        status=k8s.V1DaemonSetStatus(
            current_number_scheduled=1,
            desired_number_scheduled=2,
            number_misscheduled=0,
            number_ready=1,
            number_available=1,
            updated_number_scheduled=1,
            observed_generation=2,
        ),
    )
    [found] = list_workloads(cluster(FakeApps(body, [])), WorkloadKind.DAEMONSET, namespace="ns")
    assert isinstance(found, DaemonSet)
    assert (found.desired_scheduled, found.updated_scheduled, found.available) == (2, 1, 1)
    assert found.strategy is UpdateStrategy.ON_DELETE


def test_the_rollback_returns_to_the_highest_revision_before_the_current() -> None:
    apps = FakeApps(
        statefulset(),
        [
            revision("db-a", 1, "repo/app:1@sha256:oldest"),
            revision("db-b", 2, "repo/app:1@sha256:old"),
            revision("db-c", 3, "repo/app:1@sha256:new"),  # the update revision: the failed one
            revision("other-x", 7, "repo/app:1@sha256:not-ours", owner="someone-else"),
        ],
    )
    back_to = roll_back_workload(cluster(apps), statefulset_value(apps))

    assert back_to == 2
    [[operation]] = apps.patches
    assert (operation["op"], operation["path"]) == ("replace", "/spec/template")
    assert operation["value"]["spec"]["containers"][0]["image"] == "repo/app:1@sha256:old"
    assert "$patch" not in operation["value"]


def test_no_previous_revision_is_one_clear_error() -> None:
    apps = FakeApps(statefulset(), [revision("db-c", 3, "repo/app:1@sha256:new")])
    with pytest.raises(ClusterError, match="no previous revision"):
        roll_back_workload(cluster(apps), statefulset_value(apps))
    assert apps.patches == []


def statefulset_value(apps: FakeApps) -> StatefulSet:
    [found] = list_workloads(cluster(apps), WorkloadKind.STATEFULSET, namespace="ns")
    assert isinstance(found, StatefulSet)
    return found
