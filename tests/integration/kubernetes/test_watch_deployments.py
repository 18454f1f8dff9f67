"""``dockyard watch --kubernetes --run-once --json`` on the real test cluster.

A Deployment annotated ``dockyard.enable: "true"`` runs ``repo:app@<digest of v1>``; a new image
is pushed under ``repo:app``; one cycle patches it in pinned and waits for the rollout, or, for
an image whose pods cannot start, rolls back to the previous revision and says why, with an
event on the Deployment. What the user sees: the JSON report, the Deployment, its events.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docker
import pytest
from kubernetes import client as k8s

from tests.conftest import DEFAULT_SOCKET, TestEnv
from tests.integration.kubernetes.conftest import deployment, wait_rolled_out

_VARIANTS = {
    "v1": "echo v1 > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "v2": "echo v2 > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "broken": "echo broken; exit 1",
}


@dataclass
class AppTag:
    """``repo:app``, moved between pushed variants; ``digests`` of each variant."""

    client: docker.DockerClient
    repository: str
    images: dict[str, str]  # variant -> image id

    @property
    def ref(self) -> str:
        return f"{self.repository}:app"

    def point_at(self, variant: str) -> str:
        self.client.images.get(self.images[variant]).tag(self.repository, "app")
        for line in self.client.api.push(self.repository, tag="app", stream=True, decode=True):
            if "error" in line:
                pytest.fail(f"pushing {self.ref}: {line['error']}")
        digests = self.client.images.get(self.images[variant]).attrs["RepoDigests"]
        return str(next(d for d in digests if d.startswith(self.repository)).partition("@")[2])


@pytest.fixture(scope="module")
def app_tag(test_env: TestEnv) -> Iterator[AppTag]:
    client = docker.DockerClient(base_url=DEFAULT_SOCKET, version="auto")
    repository = f"{test_env.registry}/dockyard-kwatch-{os.urandom(4).hex()}"
    images = {}
    for variant, command in _VARIANTS.items():
        text = f'FROM {test_env.busybox}\nLABEL v={variant}\nCMD ["sh", "-c", "{command}"]\n'
        image, _ = client.images.build(fileobj=io.BytesIO(text.encode()), rm=True)
        images[variant] = str(image.id)
    yield AppTag(client, repository, images)
    client.close()


def watch(kubeconfig: str, namespace: str, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockyard",
            "watch",
            "--kubernetes",
            "--run-once",
            "--json",
            "--kubeconfig",
            kubeconfig,
            "--namespace",
            namespace,
            "--rollout-timeout",
            "90",
            *list(extra),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    report["exit_code"], report["stderr"] = done.returncode, done.stderr
    return report


def opted_in(name: str, image: str, **kw: Any) -> k8s.V1Deployment:
    body = deployment(name, image, **kw)
    body.metadata.annotations = {"dockyard.enable": "true"}
    return body


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
    assert "ProgressDeadlineExceeded" in entry["reason"] or "progress" in entry["reason"]
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
