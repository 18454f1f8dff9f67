"""Containers that depend on an updated one are recreated after it, in order."""

from __future__ import annotations

from pathlib import Path

from tests.integration.update.conftest import Images, Lab, wait_for

WT = "com.centurylinklabs.watchtower."


def _started(lab: Lab, name: str) -> str:
    return str(lab.client.api.inspect_container(name)["State"]["StartedAt"])


def test_dependents_restart_after_their_dependency(
    lab: Lab, images: Images, tmp_path: Path
) -> None:
    other = Images(
        client=lab.client,
        repository=images.repository + "-other",
        base=images.base,
        workdir=tmp_path / "other",
    )
    lab.images.append(other)
    images.publish("v1")
    other.publish("v1")
    db = lab.run(images.ref(), "db", init=True)
    app = lab.run(other.ref(), "app", init=True, labels={WT + "depends-on": db.name})
    sidecar = lab.run(  # shares db's network namespace, so it must not bind 8080 too
        other.ref(),
        "side",
        command=["sleep", "3600"],
        init=True,
        network_mode=f"container:{db.name}",
    )
    linked = lab.run(other.ref(), "linked", init=True, links={db.name: "database"})
    unrelated = lab.run(other.ref(), "lone", init=True)
    v2 = images.publish("v2")

    result = lab.watch()

    assert result.code == 0, result.stderr
    assert result.status(db.name)["status"] == "updated"
    for dependent in (app, sidecar, linked):
        entry = result.status(dependent.name)
        assert entry["status"] == "updated", entry
        assert "depends on" in entry["reason"]
        assert _started(lab, dependent.name) > _started(lab, db.name)
        assert lab.client.containers.get(dependent.name).status == "running"
    assert result.status(unrelated.name)["status"] == "fresh"
    new_db = lab.client.containers.get(db.name)
    assert new_db.image.id == v2
    mode = lab.client.api.inspect_container(sidecar.name)["HostConfig"]["NetworkMode"]
    assert mode == f"container:{new_db.id}"
    wait_for(
        lambda: (
            lab.client.containers.get(linked.name)
            .exec_run(["sh", "-c", "grep -w database /etc/hosts"])
            .exit_code
            == 0
        ),
        what="link to the new db",
    )


def test_rolling_restart_updates_one_at_a_time(lab: Lab, images: Images) -> None:
    images.publish("v1")
    first = lab.run(images.ref(), "r1", init=True)
    second = lab.run(images.ref(), "r2", init=True)
    v2 = images.publish("v2")
    result = lab.watch("--rolling-restart")
    assert result.code == 0, result.stderr
    for container in (first, second):
        assert result.status(container.name)["status"] == "updated"
        assert lab.client.containers.get(container.name).image.id == v2
    assert "pulling" in result.stderr
    assert result.stderr.count("pulling") == 1  # one pull for the shared tag
