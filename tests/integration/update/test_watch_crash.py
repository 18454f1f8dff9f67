"""dockyard killed with SIGKILL at each step of an update, then started again: every container
ends running under its own name, and nothing is left under a temporary name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.integration.update.conftest import DOCKYARD, TEMP_MARK, Images, Lab, wait_for

# "<step>" kills right after the intent line is on disk, "<step>.done" right after the step.
STEPS = [
    "stop",
    "stop.done",
    "rename",
    "rename.done",
    "create",
    "create.done",
    "start",
    "start.done",
    "confirm",
    "confirm.done",
    "remove_old",
    "remove_old.done",
]


def _assert_whole(lab: Lab, name: str, image_id: str) -> None:
    ours = lab.ours()
    assert [c.name for c in ours] == [name], [c.name for c in ours]
    container = ours[0]
    assert container.status == "running"
    assert container.image.id == image_id
    assert not list((lab.state_dir / "journal").glob("*.jsonl"))


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_a_step_then_restarted(lab: Lab, images: Images, step: str) -> None:
    images.publish("v1")
    name = lab.run(images.ref(), "crash", init=True).name
    v2 = images.publish("v2")

    crashed = lab.watch(env={"DOCKYARD_TEST_CRASH_AT": step})
    assert crashed.code == -signal.SIGKILL, crashed.stderr

    again = lab.watch()
    assert again.code == 0, again.stderr
    assert "recovered " + name in again.stderr
    _assert_whole(lab, name, v2)


def test_killed_from_outside_while_confirming(lab: Lab, images: Images) -> None:
    """A real SIGKILL from another process, sent when the journal shows the confirm step."""
    v1 = images.publish("v1")
    name = lab.run(images.ref(), "outside", init=True).name
    images.publish("v2")
    command = [
        DOCKYARD,
        "watch",
        "--run-once",
        "--state-dir",
        str(lab.state_dir),
        "--confirm-seconds",
        "120",
        name,
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _journal_step(lab.state_dir) == "confirm", timeout=60, what="confirm")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert [c.name for c in lab.ours() if TEMP_MARK in c.name]  # the crash left one behind

    again = lab.watch("--monitor-only")  # recovery only: nothing new is updated
    assert again.code == 0, again.stderr
    assert "rolled back" in again.stderr
    _assert_whole(lab, name, v1)


def test_killed_while_rolling_back(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    name = lab.run(
        images.ref(),
        "rollback",
        init=True,
        healthcheck={
            "test": ["CMD", "test", "-e", "/tmp/ok"],
            "interval": 300_000_000,
            "retries": 2,
        },
    ).name
    images.publish("broken")
    crashed = lab.watch(env={"DOCKYARD_TEST_CRASH_AT": "rollback"})
    assert crashed.code == -signal.SIGKILL, crashed.stderr
    again = lab.watch("--monitor-only")
    assert again.code == 0, again.stderr
    _assert_whole(lab, name, v1)


def _journal_step(state_dir: Path) -> str | None:
    files = list((state_dir / "journal").glob("*.jsonl")) if state_dir.exists() else []
    for path in files:
        lines = path.read_text().splitlines()
        if lines:
            try:
                return str(json.loads(lines[-1]).get("step"))
            except json.JSONDecodeError:
                return None
    return None
