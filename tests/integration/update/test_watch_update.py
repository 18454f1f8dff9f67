"""Push v1, run containers with a rich configuration, push v2, run once: v2, same configuration."""

from __future__ import annotations

from pathlib import Path

import docker

from tests.integration.update.conftest import (
    TEMP_MARK,
    Images,
    Lab,
    create_rich,
    normalised,
    subnet_for,
    wait_for,
)


def test_update_keeps_the_whole_configuration(lab: Lab, images: Images, tmp_path: Path) -> None:
    v1 = images.publish("v1")
    network = lab.network(
        "net",
        ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet_for(lab))]),
    )
    volume = lab.volume("vol")
    first = create_rich(lab, images, "web", tmp_path=tmp_path, network=network, volume=volume)
    second = create_rich(lab, images, "api", tmp_path=tmp_path, network=network, volume=volume)
    wait_for(lambda: lab.client.containers.get(first).health == "healthy", what="v1 healthy")
    before = {n: normalised(lab.client.api.inspect_container(n)) for n in (first, second)}
    wrote = lab.client.containers.get(first).exec_run(
        ["sh", "-c", "echo kept > /data/state && echo cached > /cache/state"], user="root"
    )
    assert wrote.exit_code == 0, wrote.output

    v2 = images.publish("v2")
    result = lab.watch()

    assert result.code == 0, result.stderr
    for name in (first, second):
        entry = result.status(name)
        assert entry["status"] == "updated", entry
        assert (entry["old_image_id"], entry["new_image_id"]) == (v1, v2)
        attrs = lab.client.api.inspect_container(name)
        assert attrs["Image"] == v2
        assert attrs["State"]["Running"]
        assert normalised(attrs) == before[name]
        assert "APP_VERSION=v2" in attrs["Config"]["Env"]
    # the named volume and the image's anonymous /cache volume both kept their data
    data = lab.client.containers.get(first).exec_run(["cat", "/data/state", "/cache/state"])
    assert data.output.split() == [b"kept", b"cached"]
    assert not [c.name for c in lab.ours() if TEMP_MARK in c.name]


def test_nothing_changed_means_fresh_and_no_pull(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    name = lab.run(images.ref(), "fresh", init=True).name
    result = lab.watch()
    assert result.code == 0, result.stderr
    assert result.status(name)["status"] == "fresh"
    assert "pulling" not in result.stderr
    assert lab.client.containers.get(name).image.id == v1


def test_a_v2_whose_healthcheck_fails_is_rolled_back(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    container = lab.run(
        images.ref(),
        "sick",
        init=True,
        healthcheck={
            "test": ["CMD", "test", "-e", "/tmp/ok"],
            "interval": 300_000_000,
            "retries": 2,
        },
    )
    wait_for(lambda: lab.client.containers.get(container.name).health == "healthy", what="v1")
    images.publish("broken")

    result = lab.watch()

    entry = result.status(container.name)
    assert entry["status"] == "rolled_back", entry
    assert "unhealthy" in entry["reason"] or "not healthy" in entry["reason"]
    after = lab.client.containers.get(container.name)
    assert after.id == container.id
    assert after.image.id == v1
    assert after.status == "running"
    assert not [c.name for c in lab.ours() if TEMP_MARK in c.name]
    assert result.code == 0
