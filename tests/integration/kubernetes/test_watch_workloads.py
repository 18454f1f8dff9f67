"""``dockyard watch --kubernetes`` on StatefulSets and DaemonSets of the real test cluster.

Each is opted in by the annotation, as a Deployment is, and runs ``repo:app@<digest of v1>``; a
new image is pushed under ``repo:app``. One cycle patches it in pinned and waits by kubectl's
rule for the kind, or, for an image whose pods cannot start, rolls back to the previous
ControllerRevision's template after ``--rollout-timeout`` (these kinds have no progress
deadline) and says why, with an event. What the user sees: the JSON report, the workload, its
pods and events.
"""

from __future__ import annotations

from pathlib import Path

from kubernetes import client as k8s
from kubernetes import utils

from tests.integration.kubernetes.conftest import (
    AppTag,
    as_account,
    opted_in_daemonset,
    opted_in_statefulset,
    service_account_token,
    wait_running,
    watch,
)

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "kubernetes"


def events(core: k8s.CoreV1Api, namespace: str, kind: str, name: str) -> list[tuple[str, str]]:
    found = core.list_namespaced_event(namespace).items
    return [
        (e.reason, e.message)
        for e in found
        if e.involved_object.kind == kind and e.involved_object.name == name
    ]


def test_a_statefulset_gets_the_new_digest_on_every_pod(
    kubeconfig: str, apps: k8s.AppsV1Api, core: k8s.CoreV1Api, namespace: str, app_tag: AppTag
) -> None:
    old = app_tag.point_at("v1")
    apps.create_namespaced_stateful_set(
        namespace, opted_in_statefulset("db", f"{app_tag.ref}@{old}")
    )
    wait_running(core, namespace, "db", old, pods=2)
    new = app_tag.point_at("v2")

    report = watch(kubeconfig, namespace)

    assert report["exit_code"] == 0, report["stderr"]
    assert report["deployments"] == []
    [entry] = report["statefulsets"]
    assert (entry["name"], entry["status"]) == (f"{namespace}/db", "updated"), entry
    assert (entry["old_image_id"], entry["new_image_id"]) == (old, new)
    # kubectl's rule said done: every pod already runs the new digest, ready
    wait_running(core, namespace, "db", new, pods=2, timeout=5)
    current = apps.read_namespaced_stateful_set("db", namespace)
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{new}"
    assert ("DockyardUpdated", f"rolled out {new}") in events(core, namespace, "StatefulSet", "db")

    again = watch(kubeconfig, namespace)
    assert [s["status"] for s in again["statefulsets"]] == ["fresh"]


def test_a_daemonset_gets_the_new_digest(
    kubeconfig: str, apps: k8s.AppsV1Api, core: k8s.CoreV1Api, namespace: str, app_tag: AppTag
) -> None:
    old = app_tag.point_at("v1")
    apps.create_namespaced_daemon_set(
        namespace, opted_in_daemonset("agent", f"{app_tag.ref}@{old}")
    )
    wait_running(core, namespace, "agent", old, pods=1)
    new = app_tag.point_at("v2")

    report = watch(kubeconfig, namespace)

    assert report["exit_code"] == 0, report["stderr"]
    [entry] = report["daemonsets"]
    assert (entry["name"], entry["status"], entry["new_image_id"]) == (
        f"{namespace}/agent",
        "updated",
        new,
    )
    wait_running(core, namespace, "agent", new, pods=1, timeout=5)
    assert ("DockyardUpdated", f"rolled out {new}") in events(core, namespace, "DaemonSet", "agent")


def test_images_that_cannot_start_are_rolled_back_as_the_shipped_role_with_reason_and_event(
    api_client: k8s.ApiClient,
    apps: k8s.AppsV1Api,
    core: k8s.CoreV1Api,
    namespace: str,
    app_tag: AppTag,
    tmp_path: Path,
) -> None:
    """A StatefulSet (two pods, OrderedReady) and a DaemonSet whose new image exits at once:
    no progress deadline exists for them, so ``--rollout-timeout`` ends the wait; both go back
    to the previous ControllerRevision's template and run the old digest again, with the
    reason and a DockyardRolledBack event, all as the ServiceAccount of deploy/kubernetes."""
    utils.create_from_yaml(api_client, str(DEPLOY / "rbac.yaml"), namespace=namespace)
    kubeconfig = as_account(
        api_client, service_account_token(core, namespace, "dockyard"), namespace, tmp_path / "kc"
    )
    old = app_tag.point_at("v1")
    apps.create_namespaced_stateful_set(
        namespace, opted_in_statefulset("db", f"{app_tag.ref}@{old}")
    )
    apps.create_namespaced_daemon_set(
        namespace, opted_in_daemonset("agent", f"{app_tag.ref}@{old}")
    )
    wait_running(core, namespace, "db", old, pods=2)
    wait_running(core, namespace, "agent", old, pods=1)
    broken = app_tag.point_at("broken")

    report = watch(kubeconfig, namespace, "--rollout-timeout", "20")

    assert report["exit_code"] == 0, report["stderr"]
    for kind, name, pods, key in (
        ("StatefulSet", "db", 2, "statefulsets"),
        ("DaemonSet", "agent", 1, "daemonsets"),
    ):
        [entry] = report[key]
        assert (entry["status"], entry["new_image_id"]) == ("rolled_back", broken), entry
        assert entry["reason"].startswith("not rolled out: "), entry
        assert entry["reason"].endswith("after 20s; rolled back to revision 1"), entry
        wait_running(core, namespace, name, old, pods=pods, timeout=5)
        assert ("DockyardRolledBack", entry["reason"]) in events(core, namespace, kind, name)
    current = apps.read_namespaced_stateful_set("db", namespace)
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{old}"
