"""The RBAC and the manifest dockyard ships (deploy/kubernetes/), on the real API server: watch
does its whole job as the ServiceAccount they make, and one line says what RBAC refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from kubernetes import client as k8s
from kubernetes import utils

from tests.integration.kubernetes.conftest import (
    AppTag,
    as_account,
    opted_in,
    service_account_token,
    wait_rolled_out,
    watch,
)

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "kubernetes"


def test_the_shipped_role_is_all_watch_needs(
    api_client: k8s.ApiClient,
    apps: k8s.AppsV1Api,
    core: k8s.CoreV1Api,
    namespace: str,
    app_tag: AppTag,
    tmp_path: Path,
) -> None:
    utils.create_from_yaml(api_client, str(DEPLOY / "rbac.yaml"), namespace=namespace)
    kubeconfig = as_account(
        api_client, service_account_token(core, namespace, "dockyard"), namespace, tmp_path / "kc"
    )
    old = app_tag.point_at("v1")
    apps.create_namespaced_deployment(namespace, opted_in("web", f"{app_tag.ref}@{old}"))
    wait_rolled_out(apps, namespace, "web")
    new = app_tag.point_at("v2")

    report = watch(kubeconfig, namespace)

    assert report["exit_code"] == 0, report["stderr"]
    assert [(d["status"], d["new_image_id"]) for d in report["deployments"]] == [("updated", new)]


def test_a_role_without_patch_is_refused_in_one_line(
    api_client: k8s.ApiClient,
    apps: k8s.AppsV1Api,
    core: k8s.CoreV1Api,
    namespace: str,
    app_tag: AppTag,
    tmp_path: Path,
) -> None:
    documents = list(yaml.safe_load_all((DEPLOY / "rbac.yaml").read_text()))
    role = next(d for d in documents if d["kind"] == "Role")
    for rule in role["rules"]:
        rule["verbs"] = [v for v in rule["verbs"] if v != "patch"]
    utils.create_from_dict(
        api_client, {"kind": "List", "apiVersion": "v1", "items": documents}, namespace=namespace
    )
    kubeconfig = as_account(
        api_client, service_account_token(core, namespace, "dockyard"), namespace, tmp_path / "kc"
    )
    old = app_tag.point_at("v1")
    apps.create_namespaced_deployment(namespace, opted_in("web", f"{app_tag.ref}@{old}"))
    wait_rolled_out(apps, namespace, "web")
    app_tag.point_at("v2")

    report = watch(kubeconfig, namespace)

    [entry] = report["deployments"]
    assert entry["status"] == "failed"
    assert entry["reason"].startswith(f"patching deployment {namespace}/web: forbidden by RBAC")
    assert report["exit_code"] == 11
    current = apps.read_namespaced_deployment("web", namespace)
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{old}"


def test_the_shipped_manifest_is_accepted_by_the_api_server(
    apps: k8s.AppsV1Api, namespace: str
) -> None:
    body: Any = yaml.safe_load((DEPLOY / "dockyard.yaml").read_text())
    created = apps.create_namespaced_deployment(namespace, body, dry_run="All")
    container = created.spec.template.spec.containers[0]
    assert container.args[:2] == ["watch", "--kubernetes"]
    assert created.spec.template.spec.service_account_name == "dockyard"


def test_a_role_that_only_knows_deployments_still_updates_them_and_says_what_it_passed_over(
    api_client: k8s.ApiClient,
    apps: k8s.AppsV1Api,
    core: k8s.CoreV1Api,
    namespace: str,
    app_tag: AppTag,
    tmp_path: Path,
) -> None:
    """The shipped Role as it was before StatefulSets and DaemonSets were followed."""
    documents = list(yaml.safe_load_all((DEPLOY / "rbac.yaml").read_text()))
    role = next(d for d in documents if d["kind"] == "Role")
    newer = {"statefulsets", "daemonsets", "controllerrevisions"}
    for rule in role["rules"]:
        rule["resources"] = [r for r in rule["resources"] if r not in newer]
    utils.create_from_dict(
        api_client, {"kind": "List", "apiVersion": "v1", "items": documents}, namespace=namespace
    )
    kubeconfig = as_account(
        api_client, service_account_token(core, namespace, "dockyard"), namespace, tmp_path / "kc"
    )
    old = app_tag.point_at("v1")
    apps.create_namespaced_deployment(namespace, opted_in("web", f"{app_tag.ref}@{old}"))
    wait_rolled_out(apps, namespace, "web")
    new = app_tag.point_at("v2")

    report = watch(kubeconfig, namespace)

    assert report["exit_code"] == 0, report["stderr"]
    assert [(d["status"], d["new_image_id"]) for d in report["deployments"]] == [("updated", new)]
    assert report["statefulsets"] == report["daemonsets"] == []
    for kind in ("statefulsets", "daemonsets"):
        assert (
            f"{kind} not followed: listing {kind} in {namespace}: forbidden by RBAC"
            in (report["stderr"])
        )
