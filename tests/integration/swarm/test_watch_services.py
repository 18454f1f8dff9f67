"""``dockyard watch --run-once --json`` on the test swarm's manager: services follow their tag.

A service runs ``repo:app@<digest of v1>``; a new image is pushed under ``repo:app``; one watch
cycle on the manager rolls it out through the manager, or, for an image whose tasks fail, ends
with the service back on v1. What the user sees: the JSON report, and what each worker serves.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.types
import pytest

from dockyard.engine import UpdateStatus, inspect_service, list_tasks
from tests.integration.swarm.conftest import (
    PROVISION,
    REPLICAS,
    ServiceFactory,
    Swarm,
    SwarmImages,
    wait_until,
)

# where scripts/provision --swarm keeps the pid of worker2's engine
WORKER2_PID = Path("/run/dockyard-swarm/worker2/docker.pid")
UNSET = UpdateStatus.model_validate({})


@dataclass
class Tag:
    """``repo:app``, moved from one pushed variant to another."""

    client: docker.DockerClient
    repository: str

    @property
    def ref(self) -> str:
        return f"{self.repository}:app"

    def point_at(self, pinned: str) -> str:
        """Tag the image ``pinned`` (repo@digest) as ``repo:app`` and push; its digest."""
        self.client.images.get(pinned).tag(self.repository, "app")
        for line in self.client.api.push(self.repository, tag="app", stream=True, decode=True):
            if "error" in line:
                pytest.fail(f"pushing {self.ref}: {line['error']}")
        return pinned.partition("@")[2]


@pytest.fixture
def tag(host_client: docker.DockerClient, swarm_images: SwarmImages) -> Tag:
    return Tag(host_client, swarm_images.v1.partition("@")[0])


def watch(swarm: Swarm, state_dir: Path, *names: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockyard",
            "watch",
            "--run-once",
            "--json",
            "--state-dir",
            str(state_dir),
            *names,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DOCKER_HOST": swarm.manager_host},
        check=False,
    )
    assert done.stdout, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    report["exit_code"] = done.returncode
    report["stderr"] = done.stderr
    return report


def entry(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = [s for s in report["services"] if s["name"] == name]
    assert found, report
    return found[0]


def running(swarm: Swarm, name: str, image: str) -> bool:
    """Both replicas of ``name`` run ``image`` (on whichever workers)."""
    tasks = [t for t in list_tasks(swarm.manager, service=name) if t.wanted]
    return len(tasks) == REPLICAS and all(t.running and t.image == image for t in tasks)


def served(swarm: Swarm, port: int) -> set[str]:
    return {swarm.fetch(node.hostname, port) for node in swarm.workers()}


def test_a_new_digest_of_the_tag_is_rolled_out_to_every_worker(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory, tag: Tag, tmp_path: Path
) -> None:
    old = tag.point_at(swarm_images.v1)
    name, port = services.create(f"{tag.ref}@{old}")
    new = tag.point_at(swarm_images.v2)

    report = watch(swarm, tmp_path, name)

    assert report["exit_code"] == 0, report["stderr"]
    result = entry(report, name)
    assert (result["status"], result["image"]) == ("updated", tag.ref)
    assert (result["old_image_id"], result["new_image_id"]) == (old, new)
    service = inspect_service(swarm.manager, service=name)
    assert service.image == f"{tag.ref}@{new}"  # pinned by digest: every node runs the same
    assert service.update_status is not None
    assert service.update_status.state == "completed"
    assert wait_until(lambda: served(swarm, port) == {"v2"}, timeout=30, what="v2 on both")
    # the task containers are the service's: never listed (or replaced) as containers
    assert report["containers"] == []

    again = watch(swarm, tmp_path, name)
    assert entry(again, name)["status"] == "fresh"


def test_an_image_whose_tasks_fail_leaves_the_service_on_the_old_one(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory, tag: Tag, tmp_path: Path
) -> None:
    old = tag.point_at(swarm_images.v1)
    name, port = services.create(f"{tag.ref}@{old}")
    broken = tag.point_at(swarm_images.broken)

    report = watch(swarm, tmp_path, name)

    result = entry(report, name)
    assert result["status"] == "rolled_back", report
    assert result["new_image_id"] == broken
    assert result["reason"]
    assert inspect_service(swarm.manager, service=name).image == f"{tag.ref}@{old}"
    assert wait_until(lambda: served(swarm, port) == {"v1"}, timeout=30, what="v1 on both")
    assert report["exit_code"] == 0, report["stderr"]


def test_a_service_without_update_config_gets_safe_defaults(
    swarm: Swarm,
    swarm_images: SwarmImages,
    services: ServiceFactory,
    manager_client: docker.DockerClient,
    tag: Tag,
    tmp_path: Path,
) -> None:
    old = tag.point_at(swarm_images.v1)
    name = f"dockyard-swarm-{services.unique}-plain"
    image = f"{tag.ref}@{old}"
    manager_client.api.create_service(
        docker.types.TaskTemplate(
            container_spec=docker.types.ContainerSpec(image),
            placement=docker.types.Placement(constraints=["node.role==worker"]),
        ),
        name=name,
        mode=docker.types.ServiceMode("replicated", replicas=REPLICAS),
        endpoint_spec=docker.types.EndpointSpec(mode="dnsrr"),
    )
    services.created.append(name)
    wait_until(lambda: running(swarm, name, image), timeout=60, what=f"{name} on {image}")
    assert inspect_service(swarm.manager, service=name).spec.update_config is None
    new = tag.point_at(swarm_images.v2)

    report = watch(swarm, tmp_path, name)

    assert entry(report, name)["status"] == "updated", report
    assert running(swarm, name, f"{tag.ref}@{new}")
    spec = inspect_service(swarm.manager, service=name).spec
    assert spec.image == f"{tag.ref}@{new}"
    assert spec.update_config is not None
    assert (spec.update_config.failure_action, spec.update_config.order) == (
        "rollback",
        "start-first",  # no host-mode port that two tasks on one node would both take
    )
    assert spec.rollback_config is not None


def test_a_worker_stopped_during_the_update_leaves_the_service_on_one_image(
    swarm: Swarm,
    swarm_images: SwarmImages,
    services: ServiceFactory,
    manager_client: docker.DockerClient,
    tag: Tag,
    tmp_path: Path,
) -> None:
    """worker2's engine is killed while the manager rolls the new digest out. The service must
    end on the old image or the new one, never on none, and the report says which."""
    old = tag.point_at(swarm_images.v1)
    name = f"dockyard-swarm-{services.unique}-lost"
    image = f"{tag.ref}@{old}"
    manager_client.api.create_service(
        docker.types.TaskTemplate(
            container_spec=docker.types.ContainerSpec(image, stop_grace_period=10**9),
            placement=docker.types.Placement(constraints=["node.role==worker"]),
        ),
        name=name,
        mode=docker.types.ServiceMode("replicated", replicas=REPLICAS),
        update_config=docker.types.UpdateConfig(
            parallelism=1, delay=3 * 10**9, failure_action="rollback", monitor=2 * 10**9
        ),
        endpoint_spec=docker.types.EndpointSpec(mode="dnsrr"),
    )
    services.created.append(name)
    wait_until(lambda: running(swarm, name, image), timeout=60, what=f"{name} on {image}")
    new = tag.point_at(swarm_images.v2)
    watching = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dockyard",
            "watch",
            "--run-once",
            "--json",
            "--rollout-timeout",
            "60",
            "--state-dir",
            str(tmp_path),
            name,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DOCKER_HOST": swarm.manager_host},
    )
    try:
        wait_until(
            lambda: (
                (inspect_service(swarm.manager, service=name).update_status or UNSET).state
                == "updating"
            ),
            timeout=60,
            what=f"{name}'s update to start",
        )
        pid = int(WORKER2_PID.read_text().strip())
        os.kill(pid, signal.SIGKILL)
        out, err = watching.communicate(timeout=300)
    finally:
        if watching.poll() is None:
            watching.kill()
        restore = subprocess.run([str(PROVISION), "--swarm"], capture_output=True, text=True)
        assert restore.returncode == 0, restore.stdout + restore.stderr
    report = json.loads(out)
    result = entry(report, name)
    print(f"worker stopped mid-update: {result['status']}: {result['reason']}")
    assert result["status"] in ("updated", "rolled_back"), (result, err)
    service = inspect_service(swarm.manager, service=name)
    on = {f"{tag.ref}@{old}", f"{tag.ref}@{new}"}
    assert service.image in on
    runs = [t for t in list_tasks(swarm.manager, service=name) if t.wanted and t.running]
    assert runs, "no task of the service runs"
    assert {t.image for t in runs} <= on
    if result["status"] == "updated":
        assert service.image == f"{tag.ref}@{new}"
    else:
        assert result["reason"]
