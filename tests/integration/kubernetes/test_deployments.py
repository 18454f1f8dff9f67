"""Deployments on the real test cluster: what the Kubernetes updater will rely on.

A Deployment of an image from the local registry, named by digest, becomes available; patching
its image to another digest rolls it out; a digest no registry has never becomes available and
the Deployment reports ProgressDeadlineExceeded, while the old replica keeps serving.
"""

from __future__ import annotations

import pytest
from kubernetes import client as k8s

from tests.integration.kubernetes.conftest import (
    PROVISION_TIMEOUT,
    KubeImages,
    condition,
    deployment,
    pod_images,
    wait_rolled_out,
    wait_until,
)

PROGRESS_DEADLINE = 15  # seconds

# the session's first test may build and start the cluster (scripts/provision --kubernetes)
pytestmark = pytest.mark.timeout(PROVISION_TIMEOUT + 300)


def _digest(reference: str) -> str:
    return reference.split("@", 1)[1]


def _set_image(apps: k8s.AppsV1Api, namespace: str, name: str, image: str) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}
    apps.patch_namespaced_deployment(name, namespace, patch)


def test_a_deployment_of_a_local_image_by_digest_becomes_available(
    apps: k8s.AppsV1Api, core: k8s.CoreV1Api, namespace: str, kube_images: KubeImages
) -> None:
    apps.create_namespaced_deployment(namespace, deployment("web", kube_images.v1, replicas=2))

    current = wait_rolled_out(apps, namespace, "web")

    assert current.status.available_replicas == 2
    available = condition(current, "Available")
    assert available is not None
    assert available.status == "True"
    running = pod_images(core, namespace, "web")
    assert len(running) == 2
    assert all(_digest(image_id) == _digest(kube_images.v1) for _, image_id in running)


def test_patching_the_image_to_another_digest_rolls_it_out(
    apps: k8s.AppsV1Api, core: k8s.CoreV1Api, namespace: str, kube_images: KubeImages
) -> None:
    apps.create_namespaced_deployment(namespace, deployment("web", kube_images.v1))
    before = wait_rolled_out(apps, namespace, "web")

    _set_image(apps, namespace, "web", kube_images.v2)
    after = wait_rolled_out(apps, namespace, "web")

    assert after.metadata.generation > before.metadata.generation
    assert after.spec.template.spec.containers[0].image == kube_images.v2
    progressing = condition(after, "Progressing")
    assert progressing is not None
    assert progressing.reason == "NewReplicaSetAvailable"
    running = pod_images(core, namespace, "web")
    assert [_digest(image_id) for _, image_id in running] == [_digest(kube_images.v2)]


def test_an_unknown_digest_exceeds_the_progress_deadline_and_the_old_replica_stays(
    apps: k8s.AppsV1Api, core: k8s.CoreV1Api, namespace: str, kube_images: KubeImages
) -> None:
    apps.create_namespaced_deployment(
        namespace, deployment("web", kube_images.v1, progress_deadline=PROGRESS_DEADLINE)
    )
    wait_rolled_out(apps, namespace, "web")

    _set_image(apps, namespace, "web", kube_images.missing)

    def deadline_exceeded() -> k8s.V1Deployment | None:
        current = apps.read_namespaced_deployment("web", namespace)
        progressing = condition(current, "Progressing")
        if progressing is not None and progressing.reason == "ProgressDeadlineExceeded":
            return current
        return None

    current = wait_until(
        deadline_exceeded,
        timeout=PROGRESS_DEADLINE + 45,
        what="Progressing=False, ProgressDeadlineExceeded",
    )
    assert condition(current, "Progressing").status == "False"
    # maxUnavailable rounds down to 0 of 1 replica: the old pod keeps running the old digest
    assert current.status.available_replicas == 1
    assert current.status.updated_replicas == 1
    assert [_digest(image_id) for _, image_id in pod_images(core, namespace, "web")] == [
        _digest(kube_images.v1)
    ]
    waiting = [
        status.state.waiting.reason
        for pod in core.list_namespaced_pod(namespace, label_selector="app=web").items
        for status in pod.status.container_statuses or []
        if status.state.waiting is not None
    ]
    assert waiting
    assert set(waiting) <= {"ErrImagePull", "ImagePullBackOff"}
