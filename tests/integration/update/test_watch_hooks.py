"""Lifecycle hooks, --cleanup and stopped containers, against the real engine."""

from __future__ import annotations

import docker.errors
import pytest

from tests.integration.update.conftest import Images, Lab

WT = "com.centurylinklabs.watchtower."


def test_pre_update_exit_75_skips_and_post_update_runs_in_the_new_container(
    lab: Lab, images: Images
) -> None:
    v1 = images.publish("v1")
    skipping = lab.run(
        images.ref(), "skip", init=True, labels={WT + "lifecycle.pre-update": "exit 75"}
    )
    hooked = lab.run(
        images.ref(),
        "hooked",
        init=True,
        labels={
            WT + "lifecycle.pre-update": "echo before > /tmp/pre",
            "dockyard.lifecycle.post-update": "echo after > /tmp/post",
        },
    )
    v2 = images.publish("v2")

    result = lab.watch()

    entry = result.status(skipping.name)
    assert entry["status"] == "skipped"
    assert "exit 75" in entry["reason"]
    assert lab.client.containers.get(skipping.id).image.id == v1
    assert result.status(hooked.name)["status"] == "updated"
    new = lab.client.containers.get(hooked.name)
    assert new.image.id == v2
    assert new.exec_run(["cat", "/tmp/post"]).output.strip() == b"after"


def test_a_failing_pre_update_hook_changes_nothing(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    container = lab.run(
        images.ref(), "failhook", init=True, labels={WT + "lifecycle.pre-update": "exit 3"}
    )
    images.publish("v2")
    result = lab.watch()
    entry = result.status(container.name)
    assert entry["status"] == "failed"
    assert "exit 3" in entry["reason"]
    assert lab.client.containers.get(container.id).image.id == v1
    assert result.code == 11


def test_cleanup_removes_the_replaced_image(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    container = lab.run(images.ref(), "clean", init=True)
    images.publish("v2")
    result = lab.watch("--cleanup")
    assert result.status(container.name)["status"] == "updated"
    with pytest.raises(docker.errors.ImageNotFound):
        lab.client.images.get(v1)


def test_stopped_containers_are_recreated_and_revived_only_on_request(
    lab: Lab, images: Images
) -> None:
    images.publish("v1")
    kept = lab.run(images.ref(), "stopped", init=True)
    revived = lab.run(images.ref(), "revived", init=True)
    kept.stop(timeout=5)
    revived.stop(timeout=5)
    v2 = images.publish("v2")

    ignored = lab.watch()
    assert ignored.report["containers"] == []

    recreated = lab.watch("--include-stopped", names=[kept.name])
    assert recreated.status(kept.name)["status"] == "updated"
    now = lab.client.containers.get(kept.name)
    assert (now.image.id, now.status) == (v2, "created")

    started = lab.watch("--revive-stopped", names=[revived.name])
    assert started.status(revived.name)["status"] == "updated"
    now = lab.client.containers.get(revived.name)
    assert (now.image.id, now.status) == (v2, "running")
