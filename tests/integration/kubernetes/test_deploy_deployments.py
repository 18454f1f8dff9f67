"""``dockyard deploy --to kubernetes=NAMESPACE/NAME`` on the real test cluster: an exact digest
patched in and rolled out, an earlier one brought back although the tag names the newer, a
Deployment that is not opted in left alone; the watch window's health sample of Deployments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from kubernetes import client as k8s

from dockyard.deploy import Deployer, DeploySettings, Target
from dockyard.engine import Engine
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


def test_the_watch_windows_sample_reads_each_deployment(
    kubeconfig: str, apps: k8s.AppsV1Api, namespace: str, app_tag: AppTag, tmp_path: Path
) -> None:
    """What serve's watch window sees of its Kubernetes targets: a Deployment whose replicas are
    available is running, one whose image cannot be pulled is not; both read in one sample."""
    good = app_tag.point_at("v1")
    apps.create_namespaced_deployment(namespace, opted_in("web", f"{app_tag.ref}@{good}"))
    wait_rolled_out(apps, namespace, "web")
    broken = "sha256:" + "0" * 64  # no such manifest: never pulled, never available
    apps.create_namespaced_deployment(namespace, opted_in("crash", f"{app_tag.ref}@{broken}"))
    targets = [Target.parse({"kubernetes": f"{namespace}/{name}"}) for name in ("web", "crash")]
    engine = Engine()
    try:
        deployer = Deployer(
            engine=engine, settings=DeploySettings(state_dir=tmp_path, kubeconfig=kubeconfig)
        )
        web, crash = deployer.health(targets)
    finally:
        engine.close()

    assert (web.name, web.running, web.image) == (
        f"{namespace}/web",
        True,
        f"{app_tag.ref}@{good}",
    )
    assert (crash.name, crash.running, crash.image) == (
        f"{namespace}/crash",
        False,
        f"{app_tag.ref}@{broken}",
    )
