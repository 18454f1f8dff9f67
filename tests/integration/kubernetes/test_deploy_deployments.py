"""``dockyard deploy --to kubernetes=NAMESPACE/NAME`` on the real test cluster: an exact digest
patched in and rolled out, an earlier one brought back although the tag names the newer, a
Deployment that is not opted in left alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from kubernetes import client as k8s

from tests.integration.kubernetes.conftest import AppTag, deployment, opted_in, wait_rolled_out


def deploy(kubeconfig: str, image: str, *args: str) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockyard",
            "deploy",
            image,
            "--json",
            "--kubeconfig",
            kubeconfig,
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        check=False,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def test_a_deployment_goes_to_a_digest_and_back(
    kubeconfig: str, apps: k8s.AppsV1Api, namespace: str, app_tag: AppTag
) -> None:
    old = app_tag.point_at("v1")
    apps.create_namespaced_deployment(namespace, opted_in("web", f"{app_tag.ref}@{old}"))
    wait_rolled_out(apps, namespace, "web")
    new = app_tag.point_at("v2")
    target = f"kubernetes={namespace}/web"

    code, result, stderr = deploy(kubeconfig, app_tag.ref, "--digest", new, "--to", target)

    assert code == 0, stderr
    (entry,) = result["targets"]
    assert (entry["name"], entry["status"], entry["new_image"]) == (
        f"{namespace}/web",
        "updated",
        new,
    )
    current = wait_rolled_out(apps, namespace, "web")
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{new}"

    code, result, stderr = deploy(kubeconfig, app_tag.ref, "--digest", old, "--to", target)

    assert code == 0, stderr
    assert result["targets"][0]["status"] == "updated"
    current = wait_rolled_out(apps, namespace, "web")
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{old}"


def test_a_deployment_not_opted_in_is_left_alone(
    kubeconfig: str, apps: k8s.AppsV1Api, namespace: str, app_tag: AppTag
) -> None:
    old = app_tag.point_at("v1")
    apps.create_namespaced_deployment(namespace, deployment("plain", f"{app_tag.ref}@{old}"))
    new = app_tag.point_at("v2")

    code, result, _ = deploy(
        kubeconfig, app_tag.ref, "--digest", new, "--to", f"kubernetes={namespace}/plain"
    )

    assert code == 11
    (entry,) = result["targets"]
    assert entry["status"] == "missing"
    assert "dockyard.enable" in entry["reason"]
    current = apps.read_namespaced_deployment("plain", namespace)
    assert current.spec.template.spec.containers[0].image == f"{app_tag.ref}@{old}"
