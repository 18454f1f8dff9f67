"""The store's contract, on SQLite here; tests/integration/serve/test_store_postgres.py runs the
same tests on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dockyard.errors import StoreError
from dockyard.serve._pipeline import Stage
from dockyard.serve._store import (
    MIGRATIONS,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DeploymentStatus,
    Scope,
    Store,
    stage_durations,
)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'serve.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()


def _delivery(
    delivery_id: str, *, app: str = "web", commit: str = "a" * 40, at: float = 1.0
) -> Delivery:
    return Delivery(
        id=delivery_id,
        app=app,
        provider="github",
        kind=DeliveryKind.BUILD,
        received_at=at,
        commit=commit,
        status=DeliveryStatus.QUEUED,
        reason=None,
    )


def test_a_new_database_gets_the_newest_schema_and_reopening_keeps_it(
    store: Store, store_url: str
) -> None:
    assert store.schema_version() == len(MIGRATIONS)
    assert store.add_delivery(_delivery("d1"))
    store.close()
    again = Store.open(store_url)
    assert again.schema_version() == len(MIGRATIONS)
    assert again.get_delivery("d1") is not None
    again.close()


def test_a_schema_newer_than_the_code_is_refused(store: Store, store_url: str) -> None:
    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(StoreError, match="has schema 99, newer than this dockyard knows"):
        Store.open(store_url)


def test_a_delivery_id_is_stored_once(store: Store) -> None:
    assert store.add_delivery(_delivery("d1"))
    assert not store.add_delivery(_delivery("d1", commit="b" * 40))
    stored = store.get_delivery("d1")
    assert stored is not None
    assert stored.commit == "a" * 40
    assert stored.status is DeliveryStatus.QUEUED


def test_a_newer_delivery_supersedes_the_queued_ones_it_names(store: Store) -> None:
    store.add_delivery(_delivery("d1", at=1))
    store.add_delivery(_delivery("d2", at=2), supersede=["d1"])
    first = store.get_delivery("d1")
    assert first is not None
    assert first.status is DeliveryStatus.SUPERSEDED
    assert first.reason == "replaced by the newer delivery d2"
    queued = store.deliveries(statuses=[DeliveryStatus.QUEUED])
    assert [d.id for d in queued] == ["d2"]
    assert store.count_deliveries(DeliveryStatus.QUEUED) == 1


def test_the_queue_view_says_whether_an_id_is_stored_and_what_waits(store: Store) -> None:
    store.add_delivery(_delivery("late", at=5))
    store.add_delivery(_delivery("early", at=1))
    store.add_delivery(_delivery("other", app="api", at=3))
    store.set_delivery("other", DeliveryStatus.RUNNING)
    store.add_delivery(_delivery("third", app="api", at=4))
    view = store.queue_view("late", app="web")
    assert view.seen
    assert [d.id for d in view.queued_for_app] == ["early", "late"]
    assert view.waiting == 3  # early, late, third: "other" runs
    fresh = store.queue_view("new", app="api")
    assert not fresh.seen
    assert [d.id for d in fresh.queued_for_app] == ["third"]


def test_deliveries_come_oldest_first_and_filter_by_app(store: Store) -> None:
    store.add_delivery(_delivery("late", at=5))
    store.add_delivery(_delivery("early", at=1))
    store.add_delivery(_delivery("other", app="api", at=3))
    assert [d.id for d in store.deliveries()] == ["early", "other", "late"]
    assert [d.id for d in store.deliveries(app="web")] == ["early", "late"]


def test_a_build_records_its_stages_result_and_log(store: Store) -> None:
    store.add_delivery(_delivery("d1"))
    build_id = store.add_build(
        app="web", commit="a" * 40, trigger="github", delivery_id="d1", now=10
    )
    assert store.get_delivery("d1").build_id == build_id  # type: ignore[union-attr]
    store.set_stage(build_id, Stage.BUILDING, reason=None, now=11)
    store.add_log(build_id, "step 1/2")
    store.add_log(build_id, "step 2/2")
    store.set_built(
        build_id, digest="sha256:" + "f" * 64, size_bytes=1234, findings=[{"code": "DL3008"}]
    )
    store.set_stage(build_id, Stage.BUILDING, reason=None, now=12)  # started_at stays 11
    store.set_stage(build_id, Stage.LIVE, reason=None, now=20)
    build = store.get_build(build_id)
    assert build is not None
    assert (build.status, build.digest, build.size_bytes) == (
        Stage.LIVE,
        "sha256:" + "f" * 64,
        1234,
    )
    assert build.findings == [{"code": "DL3008"}]
    assert (build.started_at, build.finished_at) == (11, 20)
    assert build.final
    lines = store.log_lines(build_id)
    assert [line.line for line in lines] == ["step 1/2", "step 2/2"]
    assert [line.line for line in store.log_lines(build_id, after=lines[0].id)] == ["step 2/2"]
    store.add_logs(build_id, ["pushed", "deployed", "live"])
    store.add_logs(build_id, [])
    assert [line.line for line in store.log_lines(build_id, after=lines[-1].id)] == [
        "pushed",
        "deployed",
        "live",
    ]


def test_builds_are_listed_newest_first_and_unfinished_ones_found(store: Store) -> None:
    first = store.add_build(app="web", commit="1" * 40, trigger="poll", delivery_id=None, now=1)
    second = store.add_build(app="web", commit="2" * 40, trigger="poll", delivery_id=None, now=2)
    store.add_build(app="api", commit="3" * 40, trigger="poll", delivery_id=None, now=3)
    store.set_stage(first, Stage.FAILED, reason="gate: runs as root", now=4)
    store.set_stage(second, Stage.DEPLOYING, reason=None, now=4)
    assert [b.id for b in store.builds("web")] == [second, first]
    assert store.get_build(first).reason == "gate: runs as root"  # type: ignore[union-attr]
    assert [b.id for b in store.unfinished_builds() if b.app == "web"] == [second]


def test_a_live_deployment_supersedes_the_previous_live_one(store: Store) -> None:
    one = store.add_deployment(
        app="web",
        build_id=1,
        commit="1" * 40,
        digest="sha256:" + "1" * 64,
        targets=[{"kind": "container", "name": "web"}],
        status=DeploymentStatus.LIVE,
        reason=None,
        now=1,
    )
    two = store.add_deployment(
        app="web",
        build_id=2,
        commit="2" * 40,
        digest="sha256:" + "2" * 64,
        targets=[],
        status=DeploymentStatus.LIVE,
        reason=None,
        now=2,
    )
    listed = store.deployments("web")
    assert [(d.id, d.status) for d in listed] == [
        (two, DeploymentStatus.LIVE),
        (one, DeploymentStatus.SUPERSEDED),
    ]
    assert listed[1].targets == [{"kind": "container", "name": "web"}]
    assert store.get_deployment(one) == listed[1]
    assert store.get_deployment(999) is None


def test_tokens_are_stored_by_hash_and_names_are_unique(store: Store) -> None:
    assert store.add_token(name="ci", scope=Scope.DEPLOY, sha256="ab" * 32, now=1)
    assert not store.add_token(name="ci", scope=Scope.READ, sha256="cd" * 32, now=2)
    found = store.token_by_hash("ab" * 32)
    assert found is not None
    assert (found.name, found.scope) == ("ci", Scope.DEPLOY)
    assert store.token_by_hash("cd" * 32) is None
    assert [t.name for t in store.tokens()] == ["ci"]


def test_scopes_are_ordered() -> None:
    assert Scope.READ < Scope.DEPLOY < Scope.ADMIN
    assert Scope.parse("deploy") is Scope.DEPLOY
    assert Scope.ADMIN.label == "admin"


def test_an_unusable_sqlite_path_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot create"):
        Store.open(f"sqlite:///{blocker / 'state' / 'serve.db'}")


def test_a_commit_s_subject_and_author_are_kept_once(store: Store) -> None:
    assert store.commit_facts("web", "a" * 40) is None
    store.record_commit("web", "a" * 40, subject='<script>x</script> "fix"', author="Eve")
    store.record_commit("web", "a" * 40, subject="rewritten", author="Mallory")
    assert store.commit_facts("web", "a" * 40) == ('<script>x</script> "fix"', "Eve")
    assert store.commit_facts("api", "a" * 40) is None  # per app


def test_a_database_of_the_first_schema_is_migrated(store: Store, store_url: str) -> None:
    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE commits"))
        conn.execute(sa.text("DROP TABLE build_layers"))
        conn.execute(sa.text("DROP TABLE build_stages"))
        conn.execute(sa.text("DROP TABLE build_rollbacks"))
        conn.execute(sa.text("UPDATE schema_version SET version = 1"))
    engine.dispose()
    store.close()
    again = Store.open(store_url)
    assert again.schema_version() == len(MIGRATIONS) == 5
    again.record_commit("web", "b" * 40, subject="after the upgrade", author="Ann")
    assert again.commit_facts("web", "b" * 40) == ("after the upgrade", "Ann")
    again.set_layers(7, {"layers": [], "size_bytes": 0})
    assert again.layers(7) == {"layers": [], "size_bytes": 0}
    again.set_rollback_to(7, "sha256:" + "0" * 64)
    assert again.rollback_to(7) == "sha256:" + "0" * 64
    again.close()


def test_a_builds_layers_are_kept_once_and_read_back(store: Store) -> None:
    build_id = store.add_build(
        app="web", commit="c" * 40, trigger="push", delivery_id=None, now=1.0
    )
    assert store.layers(build_id) is None
    first = {"layers": [{"command": "RUN make", "size_bytes": 10}], "size_bytes": 10}
    store.set_layers(build_id, first)
    second = {**first, "size_bytes": 11}
    store.set_layers(build_id, second)  # a resumed build records again: the newest stands
    assert store.layers(build_id) == second


def test_each_stage_a_build_entered_is_kept_with_its_time(store: Store) -> None:
    build_id = store.add_build(
        app="web", commit="d" * 40, trigger="push", delivery_id=None, now=100.0
    )
    other = store.add_build(app="web", commit="e" * 40, trigger="push", delivery_id=None, now=1.0)
    for stage, at in ((Stage.BUILDING, 102.0), (Stage.GATING, 110.0), (Stage.FAILED, 111.0)):
        store.set_stage(build_id, stage, reason=None, now=at)
    assert store.stage_times([build_id, other]) == {
        build_id: [(Stage.BUILDING, 102.0), (Stage.GATING, 110.0), (Stage.FAILED, 111.0)],
        other: [],
    }
    assert store.stage_times([]) == {}


def test_stage_durations_count_queueing_retries_and_the_running_stage() -> None:
    done = [(Stage.BUILDING, 12.0), (Stage.GATING, 20.0), (Stage.PUSHING, 20.5),
            (Stage.LIVE, 22.0)]  # fmt: skip
    assert stage_durations(10.0, done, now=99.0) == {
        "queued": 2.0, "building": 8.0, "gating": 0.5, "pushing": 1.5,
    }  # fmt: skip
    # retried after a restart: building twice, counted twice; still running at now
    retried = [(Stage.BUILDING, 12.0), (Stage.BUILDING, 30.0), (Stage.GATING, 35.0)]
    assert stage_durations(10.0, retried, now=36.0) == {
        "queued": 2.0, "building": 23.0, "gating": 1.0,
    }  # fmt: skip
    assert stage_durations(10.0, retried) == {"queued": 2.0, "building": 23.0}
    assert stage_durations(10.0, [], now=15.0) == {"queued": 5.0}
    assert stage_durations(10.0, []) == {}


def test_a_builds_rollback_target_is_kept_and_the_newest_counts(store: Store) -> None:
    build_id = store.add_build(
        app="web", commit="a" * 40, trigger="github", delivery_id=None, now=1
    )
    assert store.rollback_to(build_id) is None
    store.set_rollback_to(build_id, "sha256:" + "1" * 64)
    store.set_rollback_to(build_id, "sha256:" + "2" * 64)  # the same build, resumed
    assert store.rollback_to(build_id) == "sha256:" + "2" * 64
    assert store.rollback_to(build_id + 1) is None
