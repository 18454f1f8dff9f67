"""The replay of a self-update's journal at start, against the real engine: the successor
completes it, an old dockyard that restarts before its successor runs rolls it back."""

from __future__ import annotations

import docker.errors
import pytest

from dockyard.engine import Engine
from dockyard.update import recover, temporary_name
from dockyard.update._journal import Journal
from tests.conftest import TestEnv
from tests.integration.update.conftest import Lab


def _half_done_handoff(lab: Lab, test_env: TestEnv) -> tuple[str, str, str]:
    """What a hand-over leaves when interrupted after creating the successor: the old container
    under its temporary name, the successor created under the name. (name, old id, new id)"""
    old = lab.run(test_env.busybox, "self", command=["sleep", "300"], init=True)
    name = old.name
    temp = temporary_name(name, old.id)
    old.rename(temp)
    new = lab.client.containers.create(
        test_env.busybox, name=name, command=["sleep", "300"], init=True
    )
    plan = {
        "name": name,
        "old_id": old.id,
        "old_image_id": old.image.id,
        "new_image_id": old.image.id,
        "temp_name": temp,
        "start": True,
        "was_running": True,
        "config": {},
        "self_update": True,
    }
    journal = Journal(state_dir=lab.state_dir, plan=plan)
    for step in ("rename", "create"):
        journal.intent(step)
    journal.done("create", new_id=new.id)
    journal.intent("start")
    journal.close(remove=False)
    return name, str(old.id), str(new.id)


def test_an_old_dockyard_restarting_before_its_successor_ran_rolls_back(
    lab: Lab, test_env: TestEnv
) -> None:
    name, old_id, new_id = _half_done_handoff(lab, test_env)

    with Engine() as engine:
        recovered = recover(engine, state_dir=lab.state_dir, own_id=old_id)

    assert [(r.name, r.action) for r in recovered] == [(name, "rolled_back")]
    assert [c.name for c in lab.ours()] == [name]
    back = lab.client.containers.get(name)
    assert back.id == old_id
    assert back.status == "running"
    with pytest.raises(docker.errors.NotFound):
        lab.client.containers.get(new_id)
    assert not list((lab.state_dir / "journal").glob("*.jsonl"))


def test_the_successor_removes_the_old_container_and_closes_the_journal(
    lab: Lab, test_env: TestEnv
) -> None:
    name, old_id, new_id = _half_done_handoff(lab, test_env)
    lab.client.containers.get(new_id).start()

    with Engine() as engine:
        recovered = recover(engine, state_dir=lab.state_dir, own_id=new_id)

    assert [(r.name, r.action) for r in recovered] == [(name, "taken_over")]
    assert [c.name for c in lab.ours()] == [name]
    assert lab.client.containers.get(name).id == new_id
    with pytest.raises(docker.errors.NotFound):
        lab.client.containers.get(old_id)
    assert not list((lab.state_dir / "journal").glob("*.jsonl"))
