"""The tracker sees every change the pages show, with a few cheap queries, and the overview's
rows are read again only for the app that changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dockyard.serve._pipeline import Stage
from dockyard.serve._store import DeploymentStatus, Store
from dockyard.serve.dashboard._tracker import Tracker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'serve.db'}")
    yield opened
    opened.close()


def _look(tracker: Tracker, clock: Clock) -> int:
    clock.now += 1.0
    return tracker.check()


def test_new_builds_state_changes_and_deployments_move_their_apps_version(store: Store) -> None:
    clock = Clock()
    first = store.add_build(app="a", commit="1" * 40, trigger="webhook", delivery_id=None, now=1)
    tracker = Tracker(store, ["a", "b"], interval_s=0.5, clock=clock)
    base = _look(tracker, clock)
    a, b = tracker.app_version("a"), tracker.app_version("b")
    assert _look(tracker, clock) == base  # nothing changed

    build = store.add_build(app="b", commit="2" * 40, trigger="poll", delivery_id=None, now=2)
    assert _look(tracker, clock) > base
    assert tracker.app_version("a") == a
    assert tracker.app_version("b") > b

    b = tracker.app_version("b")
    store.set_stage(build, Stage.GATING, reason=None, now=3)
    _look(tracker, clock)
    assert tracker.app_version("b") > b

    b = tracker.app_version("b")
    store.set_stage(build, Stage.LIVE, reason=None, now=4)  # final: leaves the unfinished set
    _look(tracker, clock)
    assert tracker.app_version("b") > b

    a = tracker.app_version("a")
    store.add_deployment(
        app="a",
        build_id=first,
        commit="1" * 40,
        digest="sha256:" + "1" * 64,
        targets=[],
        status=DeploymentStatus.LIVE,
        reason=None,
        now=5,
    )
    _look(tracker, clock)
    assert tracker.app_version("a") > a


def test_rows_are_kept_until_their_app_changes(store: Store) -> None:
    clock = Clock()
    store.add_build(app="a", commit="1" * 40, trigger="webhook", delivery_id=None, now=1)
    tracker = Tracker(store, ["a", "b"], interval_s=0.5, clock=clock)
    rows_a, rows_b = tracker.rows("a"), tracker.rows("b")
    clock.now += 1
    assert tracker.rows("a") is rows_a
    store.add_build(app="b", commit="2" * 40, trigger="webhook", delivery_id=None, now=2)
    clock.now += 1
    assert tracker.rows("a") is rows_a
    fresh = tracker.rows("b")
    assert fresh is not rows_b
    assert [b.commit for b in fresh.builds] == ["2" * 40]


def test_a_full_look_catches_what_a_probe_missed(store: Store) -> None:
    clock = Clock()
    tracker = Tracker(store, ["a"], interval_s=0.5, resync_s=10.0, clock=clock)
    _look(tracker, clock)
    version = tracker.app_version("a")
    # an id the probe will not reach: the database skipped ids (a sequence after a rollback)
    tracker._next_build = 50
    store.add_build(app="a", commit="3" * 40, trigger="webhook", delivery_id=None, now=3)
    store.set_stage(1, Stage.FAILED, reason="x", now=4)
    _look(tracker, clock)
    clock.now += 10
    tracker.check()
    assert tracker.app_version("a") > version
