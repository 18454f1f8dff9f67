"""The watch core's replacement, rollback and crash recovery on an in-memory engine.

The same code runs on the real engine in tests/integration/update; here every path is driven
in milliseconds, including a crash after each step (the journal is real, on disk)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dockyard.errors import EngineError
from dockyard.update import (
    JournalFacts,
    Outcome,
    RecoveryAction,
    RecoveryDecision,
    Replacement,
    ReplaceSettings,
    decide_recovery,
    hand_over,
    recover,
    temporary_name,
)
from tests.unit.update.fake_containers import FakeContainers, SimulatedCrash

FAST = ReplaceSettings(timeout=1, confirm_seconds=0.0, health_timeout=0.0)


def replacement(
    fake: FakeContainers, state: Path, *, new_image: str = "app:2", start: bool = True
) -> Replacement:
    old = fake.named("web") or fake.add("web", "app:1")
    return Replacement(
        containers=fake,
        state_dir=state,
        container=old.info(),
        config={"Image": new_image},
        new_image_id="sha256:new",
        stop_signal=None,
        start=start,
        settings=FAST,
    )


def journals(state: Path) -> list[Path]:
    return sorted((state / "journal").glob("*.jsonl"))


def run(fake: FakeContainers, state: Path, *, start: bool = True) -> Outcome:
    job = replacement(fake, state, start=start)
    return job.prepare() or job.complete()


def test_a_good_image_replaces_the_container_and_the_old_one_is_removed(tmp_path: Path) -> None:
    fake = FakeContainers()
    fake.add("web", "app:1")
    outcome = run(fake, tmp_path)
    assert outcome.ok, outcome.reason
    assert fake.state() == {"web": ("app:2", "running")}
    assert journals(tmp_path) == []


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("crashes", "the new container is exited (exit code 1)"),
        ("unhealthy", "the new container is unhealthy: probe: connection refused"),
    ],
)
def test_a_bad_image_is_rolled_back_with_the_reason(
    tmp_path: Path, behaviour: str, reason: str
) -> None:
    fake = FakeContainers(behaviour={"app:2": behaviour})
    fake.add("web", "app:1")
    outcome = run(fake, tmp_path)
    assert (outcome.ok, outcome.rolled_back, outcome.reason) == (False, True, reason)
    assert fake.state() == {"web": ("app:1", "running")}
    assert journals(tmp_path) == []


def test_a_healthy_image_is_confirmed_by_its_health_check(tmp_path: Path) -> None:
    fake = FakeContainers(behaviour={"app:2": "healthy"})
    fake.add("web", "app:1")
    assert run(fake, tmp_path).ok
    assert fake.state() == {"web": ("app:2", "running")}


def test_a_create_the_engine_refuses_leaves_the_old_container_running(tmp_path: Path) -> None:
    fake = FakeContainers(fail={("create", "web"): EngineError("creating web: no such image")})
    fake.add("web", "app:1")
    outcome = run(fake, tmp_path)
    assert outcome.rolled_back
    assert outcome.reason == "creating web: no such image"
    assert fake.state() == {"web": ("app:1", "running")}


def test_a_stop_that_fails_changes_nothing(tmp_path: Path) -> None:
    old = FakeContainers()
    web = old.add("web", "app:1")
    old.fail[("stop", web.id)] = EngineError("stopping: permission denied")
    outcome = run(old, tmp_path)
    assert outcome.rolled_back
    assert outcome.reason is not None
    assert outcome.reason.startswith("preparing failed: stopping: permission denied")
    assert old.state() == {"web": ("app:1", "running")}


def test_a_stopped_container_is_replaced_without_being_started(tmp_path: Path) -> None:
    fake = FakeContainers()
    fake.add("web", "app:1", status="exited")
    assert run(fake, tmp_path, start=False).ok
    assert fake.state() == {"web": ("app:2", "created")}


def test_a_rollback_that_fails_too_keeps_the_journal_for_the_next_start(tmp_path: Path) -> None:
    fake = FakeContainers(behaviour={"app:2": "crashes"})
    web = fake.add("web", "app:1")
    fake.fail[("find", web.id)] = EngineError("inspecting: engine restarting")
    outcome = run(fake, tmp_path)
    assert (outcome.ok, outcome.rolled_back) == (False, False)
    assert outcome.reason is not None
    assert "rollback failed: inspecting: engine restarting" in outcome.reason
    assert len(journals(tmp_path)) == 1
    del fake.fail[("find", web.id)]
    (recovered,) = recover(fake, state_dir=tmp_path)
    assert recovered.action is RecoveryAction.ROLLED_BACK
    assert fake.state() == {"web": ("app:1", "running")}
    assert journals(tmp_path) == []


# A crash right after each engine call of a replacement; the next start recovers it.
CRASHES = [
    ("stop", "rolled_back"),
    ("rename", "rolled_back"),
    ("create", "rolled_back"),  # the create happened, its journal line did not
    ("start", "rolled_back"),
    ("remove", "completed"),  # the old one was being removed: the new one was confirmed
]


@pytest.mark.parametrize(("verb", "action"), CRASHES, ids=[c[0] for c in CRASHES])
def test_a_crash_after_any_step_is_completed_or_rolled_back_at_the_next_start(
    tmp_path: Path, verb: str, action: str
) -> None:
    fake = FakeContainers(crash=verb)
    fake.add("web", "app:1")
    with pytest.raises(SimulatedCrash):
        run(fake, tmp_path)
    assert len(journals(tmp_path)) == 1
    (recovered,) = recover(fake, state_dir=tmp_path)
    assert recovered.action == action
    expected = "app:2" if action == "completed" else "app:1"
    assert fake.state() == {"web": (expected, "running")}
    assert journals(tmp_path) == []


def test_a_crash_while_confirming_rolls_back_an_unconfirmed_container(tmp_path: Path) -> None:
    fake = FakeContainers()
    fake.add("web", "app:1")
    job = replacement(fake, tmp_path)
    assert job.prepare() is None
    assert job.launch() is None
    fake.crash = "find"  # the first look at the new container
    with pytest.raises(SimulatedCrash):
        job.settle()
    (recovered,) = recover(fake, state_dir=tmp_path)
    assert (recovered.action, recovered.step) == (RecoveryAction.ROLLED_BACK, "confirm")
    assert fake.state() == {"web": ("app:1", "running")}


def test_recovery_that_cannot_reach_the_old_container_fails_and_keeps_the_journal(
    tmp_path: Path,
) -> None:
    fake = FakeContainers(crash="start")
    web = fake.add("web", "app:1")
    with pytest.raises(SimulatedCrash):
        run(fake, tmp_path)
    del fake.containers[web.id]  # someone removed the old container meanwhile
    (recovered,) = recover(fake, state_dir=tmp_path)
    assert recovered.action is RecoveryAction.FAILED
    assert recovered.reason == f"no container named {web.id}"
    assert len(journals(tmp_path)) == 1


def test_a_self_update_nobody_takes_over_gives_the_name_back(tmp_path: Path) -> None:
    fake = FakeContainers()
    fake.add("dockyard", "dockyard:1")
    job = Replacement(
        containers=fake,
        state_dir=tmp_path,
        container=fake.named("dockyard").info(),  # type: ignore[union-attr]
        config={"Image": "dockyard:2"},
        new_image_id="sha256:new",
        stop_signal=None,
        start=True,
        settings=FAST,
    )
    reason = hand_over(job, takeover_seconds=0.0)
    assert reason.startswith("self-update failed, kept the running dockyard: ")
    assert "did not take over within 0s" in reason
    assert fake.state() == {"dockyard": ("dockyard:1", "running")}
    assert journals(tmp_path) == []


def test_the_successor_of_a_self_update_takes_over_at_its_start(tmp_path: Path) -> None:
    fake = FakeContainers(crash="start")  # the old instance is gone once the successor runs
    old = fake.add("dockyard", "dockyard:1")
    job = Replacement(
        containers=fake,
        state_dir=tmp_path,
        container=old.info(),
        config={"Image": "dockyard:2"},
        new_image_id="sha256:new",
        stop_signal=None,
        start=True,
        settings=FAST,
    )
    with pytest.raises(SimulatedCrash):
        hand_over(job, takeover_seconds=0.0)
    successor = fake.named("dockyard")
    assert successor is not None
    assert successor.image == "dockyard:2"
    (recovered,) = recover(fake, state_dir=tmp_path, own_id=successor.id)
    assert recovered.action is RecoveryAction.TAKEN_OVER
    assert fake.state() == {"dockyard": ("dockyard:2", "running")}
    assert temporary_name("dockyard", old.id) not in fake.state()


FACTS = JournalFacts(
    self_update=False, old_id="old", new_id="new", confirmed=False, handed_off=False
)


@pytest.mark.parametrize(
    ("facts", "own_id", "decision"),
    [
        (FACTS, None, RecoveryDecision.ROLL_BACK),
        (dataclasses.replace(FACTS, confirmed=True), None, RecoveryDecision.COMPLETE),
        (
            dataclasses.replace(FACTS, self_update=True, handed_off=True),
            "new",
            RecoveryDecision.TAKE_OVER,
        ),
        (
            dataclasses.replace(FACTS, self_update=True, handed_off=True),
            "old",
            RecoveryDecision.AWAIT_SUCCESSOR,
        ),
        (
            dataclasses.replace(FACTS, self_update=True, new_id=None),
            "old",
            RecoveryDecision.ROLL_BACK,
        ),
        (
            dataclasses.replace(FACTS, self_update=True, handed_off=True),
            "a third instance",
            RecoveryDecision.COMPLETE,
        ),
    ],
    ids=["unconfirmed", "confirmed", "successor", "old instance", "old, none made", "bystander"],
)
def test_the_recovery_decision(
    facts: JournalFacts, own_id: str | None, decision: RecoveryDecision
) -> None:
    assert decide_recovery(facts, own_id=own_id) is decision
