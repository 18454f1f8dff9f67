"""``dockyard watch --kubernetes --run-once --json`` on the real test cluster.

A Deployment annotated ``dockyard.enable: "true"`` runs ``repo:app@<digest of v1>``; a new image
is pushed under ``repo:app``; one cycle patches it in pinned and waits for the rollout, or, for
an image whose pods cannot start, rolls back to the previous revision and says why, with an
event on the Deployment. What the user sees: the JSON report, the Deployment, its events.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from typing import Any

import docker
from kubernetes import client as k8s

from tests.conftest import DEFAULT_SOCKET, TestEnv
from tests.integration.kubernetes.conftest import (
    AppTag,
    built_variants,
    deployment,
    opted_in,
    wait_rolled_out,
    watch,
)


def events(core: k8s.CoreV1Api, namespace: str, name: str) -> list[tuple[str, str]]:
    found = core.list_namespaced_event(namespace).items
    return [(e.reason, e.message) for e in found if e.involved_object.name == name]


def test_a_new_digest_of_the_tag_is_patched_in_pinned_and_rolled_out(
    kubeconfig: str, apps: k8s.AppsV1Api, core: k8s.CoreV1Api, namespace: str, app_tag: AppTag
) -> None:
    old = app_tag.point_at("v1")
    apps.create_namespaced_deployment(namespace, opted_in("web", f"{app_tag.ref}@{old}"))
    apps.create_namespaced_deployment(namespace, deployment("other", f"{app_tag.ref}@{old}"))
    wait_rolled_out(apps, namespace, "web")
    new = app_tag.point_at("v2")

    report = watch(kubeconfig, namespace)

    assert report["exit_code"] == 0, report["stderr"]
    assert [d["name"] for d in report["deployments"]] == [f"{namespace}/web"]  # opted in only
    [entry] = report["deployments"]
    assert (entry["status"], entry["old_image_id"], entry["new_image_id"]) == ("updated", old, new)
    current = wait_rolled_out(apps, namespace, "web")
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{new}"
    other = apps.read_namespaced_deployment("other", namespace)
    assert other.spec.template.spec.containers[0].image == f"{app_tag.ref}@{old}"
    assert ("DockyardUpdated", f"rolled out {new}") in events(core, namespace, "web")

    again = watch(kubeconfig, namespace)
    assert [d["status"] for d in again["deployments"]] == ["fresh"]


def test_an_image_that_cannot_start_is_rolled_back_with_the_reason_and_an_event(
    kubeconfig: str, apps: k8s.AppsV1Api, core: k8s.CoreV1Api, namespace: str, app_tag: AppTag
) -> None:
    old = app_tag.point_at("v1")
    body = opted_in("web", f"{app_tag.ref}@{old}", progress_deadline=15)
    apps.create_namespaced_deployment(namespace, body)
    wait_rolled_out(apps, namespace, "web")
    broken = app_tag.point_at("broken")

    report = watch(kubeconfig, namespace)

    [entry] = report["deployments"]
    assert entry["status"] == "rolled_back", report
    assert entry["new_image_id"] == broken
    # Either the Deployment's progress deadline passed, or (the container having counted as
    # available for a moment before it exited) a replica stopped being available in the 10 s
    # dockyard watches a finished rollout.
    reason = entry["reason"]
    assert "progress" in reason or "available within 10s of the rollout" in reason, reason
    assert "rolled back to revision 1" in entry["reason"]
    current = wait_rolled_out(apps, namespace, "web")
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{old}"
    reasons = [reason for reason, _ in events(core, namespace, "web")]
    assert "DockyardRolledBack" in reasons
    assert report["exit_code"] == 0, report["stderr"]


def test_an_unreachable_api_server_is_one_clear_line(tmp_path: Any) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: x\n"
        "clusters: [{name: x, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "contexts: [{name: x, context: {cluster: x, user: x, namespace: web}}]\n"
        "users: [{name: x, user: {token: not-a-secret}}]\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockyard",
            "watch",
            "--kubernetes",
            "--run-once",
            "--kubeconfig",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 13, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("dockyard: error: listing deployments in web: no Kubernetes API")
    assert "Traceback" not in done.stderr
    assert "not-a-secret" not in done.stderr


def test_the_pull_secrets_of_a_deployment_are_its_registry_credentials(
    kubeconfig: str,
    apps: k8s.AppsV1Api,
    core: k8s.CoreV1Api,
    namespace: str,
    test_env: TestEnv,
) -> None:
    """A tag on the registry with basic auth: dockyard checks it with the credentials of the
    Deployment's imagePullSecrets (its own are not used for it), as the kubelet pulls with them."""
    client = docker.DockerClient(base_url=DEFAULT_SOCKET, version="auto")
    auth = {"username": test_env.auth_user, "password": test_env.auth_password}
    repository = f"{test_env.auth_registry}/dockyard-kwatch-{os.urandom(4).hex()}"
    tag = AppTag(client, repository, built_variants(client, test_env.busybox), auth=auth)
    old = tag.point_at("v1")

    def secret(name: str, password: str) -> None:
        token = base64.b64encode(f"{test_env.auth_user}:{password}".encode()).decode()
        config = {"auths": {test_env.auth_registry: {"auth": token}}}
        core.create_namespaced_secret(
            namespace,
            k8s.V1Secret(
                metadata=k8s.V1ObjectMeta(name=name),
                type="kubernetes.io/dockerconfigjson",
                string_data={".dockerconfigjson": json.dumps(config)},
            ),
        )

    secret("registry", test_env.auth_password)
    secret("wrong", "not-the-password")
    for name, secret_name in (("web", "registry"), ("refused", "wrong")):
        body = opted_in(name, f"{tag.ref}@{old}")
        body.spec.template.spec.image_pull_secrets = [k8s.V1LocalObjectReference(name="registry")]
        apps.create_namespaced_deployment(namespace, body)
        wait_rolled_out(apps, namespace, name)
        if secret_name != "registry":  # pods pulled; now dockyard is to check with the wrong one
            path = "/spec/template/spec/imagePullSecrets"
            patch = [{"op": "replace", "path": path, "value": [{"name": secret_name}]}]
            apps.patch_namespaced_deployment(name, namespace, patch)
            wait_rolled_out(apps, namespace, name)
    new = tag.point_at("v2")

    report = watch(kubeconfig, namespace)

    results = {d["name"].split("/")[1]: d for d in report["deployments"]}
    assert (results["web"]["status"], results["web"]["new_image_id"]) == ("updated", new)
    assert results["refused"]["status"] == "failed"
    assert results["refused"]["reason"].startswith("check failed:")
    assert "not-the-password" not in report["stderr"] + json.dumps(report["deployments"])
    current = wait_rolled_out(apps, namespace, "web")
    assert current.spec.template.spec.containers[0].image == f"{tag.ref}@{new}"
    client.close()
