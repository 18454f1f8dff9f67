"""The one data layer of ``dockyard serve``: deliveries, builds and their logs, deployments, tokens.

SQLAlchemy Core over SQLite (the default: one file in the state directory, WAL, so the API reads
while a worker writes) or PostgreSQL (a ``postgresql://`` URL), with the same statements for
both. The schema is versioned: ``schema_version`` holds the number of the last migration applied,
and :data:`MIGRATIONS` lists them in order; :meth:`Store.open` applies the missing ones in one
transaction each.

Times are seconds since the epoch (floats), the same on both databases. Rows come back as frozen
dataclasses with enums for every state; no SQL row leaves this module.
"""

from __future__ import annotations

import enum
import itertools
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from dockyard.errors import StoreError
from dockyard.secrets import redact
from dockyard.serve._pipeline import Stage

__all__ = [
    "FINAL_STAGES",
    "MIGRATIONS",
    "Build",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "Deployment",
    "DeploymentStatus",
    "LogLine",
    "QueueView",
    "Scope",
    "Store",
    "TokenRecord",
    "stage_durations",
]


class DeliveryStatus(enum.Enum):
    QUEUED = "queued"  # accepted, waiting for its app's worker
    RUNNING = "running"  # taken by a worker
    DONE = "done"  # its build (or rollback) ran to a final stage
    IGNORED = "ignored"  # another branch, [skip ci], no matching path: nothing to do
    SUPERSEDED = "superseded"  # a newer delivery for the same app replaced it in the queue
    FAILED = "failed"  # could not be carried out (e.g. git ls-remote failed)


class DeliveryKind(enum.Enum):
    BUILD = "build"  # build the branch head and take it live
    ROLLBACK = "rollback"  # put an earlier digest back on the targets
    IMAGE = "image"  # deploy a digest a registry announced (no build)


class DeploymentStatus(enum.Enum):
    LIVE = "live"
    ROLLED_BACK = "rolled_back"
    FAILED = "failed"
    SUPERSEDED = "superseded"


class Scope(enum.IntEnum):
    """Token scopes; each includes the ones below it."""

    READ = 1
    DEPLOY = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Scope:
        return cls[text.upper()]


FINAL_STAGES = frozenset({Stage.LIVE, Stage.ROLLED_BACK, Stage.FAILED, Stage.SKIPPED})


@dataclass(frozen=True)
class Delivery:
    id: str
    app: str
    provider: str
    kind: DeliveryKind
    received_at: float
    commit: str | None
    status: DeliveryStatus
    reason: str | None
    digest: str | None = None
    build_id: int | None = None


@dataclass(frozen=True)
class Build:
    id: int
    app: str
    commit: str
    trigger: str
    delivery_id: str | None
    status: Stage
    reason: str | None
    digest: str | None
    size_bytes: int | None
    findings: list[dict[str, object]]
    created_at: float
    started_at: float | None
    finished_at: float | None

    @property
    def final(self) -> bool:
        return self.status in FINAL_STAGES


@dataclass(frozen=True)
class Deployment:
    id: int
    app: str
    build_id: int | None
    commit: str | None
    digest: str
    targets: list[dict[str, object]]
    status: DeploymentStatus
    reason: str | None
    created_at: float


@dataclass(frozen=True)
class QueueView:
    """What deciding on a new delivery needs, read at one moment."""

    seen: bool  # its id is stored
    queued_for_app: list[Delivery]  # the app's deliveries waiting, oldest first
    waiting: int  # deliveries waiting over all apps


@dataclass(frozen=True)
class LogLine:
    id: int
    line: str


@dataclass(frozen=True)
class TokenRecord:
    name: str
    scope: Scope
    created_at: float


_meta = sa.MetaData()

schema_version = sa.Table("schema_version", _meta, sa.Column("version", sa.Integer, nullable=False))
deliveries = sa.Table(
    "deliveries",
    _meta,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("app", sa.String(200), nullable=False, index=True),
    sa.Column("provider", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("commit", sa.String(80)),
    sa.Column("digest", sa.String(100)),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("reason", sa.Text),
    sa.Column("build_id", sa.Integer),
)
builds = sa.Table(
    "builds",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("app", sa.String(200), nullable=False, index=True),
    sa.Column("commit", sa.String(80), nullable=False),
    sa.Column("trigger", sa.String(40), nullable=False),
    sa.Column("delivery_id", sa.String(200)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("digest", sa.String(100)),
    sa.Column("size_bytes", sa.BigInteger),
    sa.Column("findings", sa.Text, nullable=False, default="[]"),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
)
build_logs = sa.Table(
    "build_logs",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("build_id", sa.Integer, nullable=False, index=True),
    sa.Column("line", sa.Text, nullable=False),
)
deployments = sa.Table(
    "deployments",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("app", sa.String(200), nullable=False, index=True),
    sa.Column("build_id", sa.Integer),
    sa.Column("commit", sa.String(80)),
    sa.Column("digest", sa.String(100), nullable=False),
    sa.Column("targets", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("created_at", sa.Float, nullable=False),
)
tokens = sa.Table(
    "tokens",
    _meta,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("scope", sa.String(20), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
)


commits = sa.Table(
    "commits",
    _meta,
    sa.Column("app", sa.String(200), primary_key=True),
    sa.Column("sha", sa.String(80), primary_key=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
)


build_layers = sa.Table(
    "build_layers",
    _meta,
    sa.Column("build_id", sa.Integer, primary_key=True),
    sa.Column("summary", sa.Text, nullable=False),  # dockyard.image.LayerSummary as JSON
)


build_stages = sa.Table(
    "build_stages",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("build_id", sa.Integer, nullable=False, index=True),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)


# The digest a build's watch window goes back to if it fails, kept when the window opens, so a
# run resumed after a crash in its window can still roll back (the targets run the new digest
# by then: what they ran before is known only from here).
build_rollbacks = sa.Table(
    "build_rollbacks",
    _meta,
    sa.Column("build_id", sa.Integer, primary_key=True),
    sa.Column("digest", sa.String(100), nullable=False),
)


def _migration_1(conn: Connection) -> None:
    """The first schema: every table above."""
    _meta.create_all(
        conn,
        tables=[deliveries, builds, build_logs, deployments, tokens],
    )


def _migration_2(conn: Connection) -> None:
    """Commit subjects and authors, as git has them, for the pages."""
    _meta.create_all(conn, tables=[commits])


def _migration_3(conn: Connection) -> None:
    """Each pushed image's layers and waste, for the build page."""
    _meta.create_all(conn, tables=[build_layers])


def _migration_4(conn: Connection) -> None:
    """When each build entered each stage, for its timings."""
    _meta.create_all(conn, tables=[build_stages])


def _migration_5(conn: Connection) -> None:
    """The digest each watch window rolls back to, for a run resumed after a crash."""
    _meta.create_all(conn, tables=[build_rollbacks])


# Ordered; the version of a schema is the number of migrations applied. Append, never edit.
MIGRATIONS: Sequence[Callable[[Connection], None]] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
)


def stage_durations(
    created_at: float, entries: Sequence[tuple[Stage, float]], *, now: float | None = None
) -> dict[str, float]:
    """Seconds spent in each stage, from when the build entered each one (in order): queued
    from its creation to its first stage; a stage repeated (a build retried after a restart)
    counts every time. The final stage has no duration; an unfinished one runs until ``now``
    when given."""
    durations: dict[str, float] = {}
    steps = list(entries)
    if not steps or steps[0][0] is not Stage.QUEUED:
        steps.insert(0, (Stage.QUEUED, created_at))
    for (stage, start), (_, end) in itertools.pairwise(steps):
        durations[stage.value] = round(durations.get(stage.value, 0.0) + max(0.0, end - start), 3)
    last, start = steps[-1]
    if last not in FINAL_STAGES and now is not None:
        durations[last.value] = round(durations.get(last.value, 0.0) + max(0.0, now - start), 3)
    return durations


def _where(url: str) -> str:
    return redact(url) if not url.startswith("sqlite") else url.removeprefix("sqlite:///")


class Store:
    """The store of one ``dockyard serve``; safe to share between threads."""

    def __init__(self, engine: Engine, *, url: str) -> None:
        self._engine = engine
        self._reader = engine.execution_options(**{_READ_ONLY: True})
        self._url = url
        self._lock = threading.RLock()  # one writer at a time in this process (SQLite)

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect, migrate to the newest schema; a :class:`StoreError` if the database is down."""
        engine = _engine(url)
        store = cls(engine, url=url)
        try:
            store.migrate()
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(
                f"the database at {_where(url)} is not reachable: {redact(reason)}"
            ) from None
        return store

    def close(self) -> None:
        self._engine.dispose()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """A transaction that writes: one at a time in this process (and, with SQLite, across
        the server and its build processes: it takes the file's write lock as it begins)."""
        with self._lock, _one_line_errors(), self._engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A transaction that only reads: it waits for no writer (WAL gives it a snapshot), so a
        burst of replayed webhooks is answered in parallel while builds write their logs."""
        with _one_line_errors(), self._reader.begin() as conn:
            yield conn

    # -- schema ------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the migrations this database lacks; the schema version after."""
        with self._lock, self._engine.begin() as conn:
            _meta.create_all(conn, tables=[schema_version])
            row = conn.execute(sa.select(schema_version.c.version)).first()
            version = 0 if row is None else int(row[0])
            if row is None:
                conn.execute(schema_version.insert().values(version=0))
        if version > len(MIGRATIONS):
            raise StoreError(
                f"the database at {_where(self._url)} has schema {version}, newer than this "
                f"dockyard knows ({len(MIGRATIONS)}): upgrade dockyard"
            )
        for number in range(version + 1, len(MIGRATIONS) + 1):
            with self._lock, self._engine.begin() as conn:
                MIGRATIONS[number - 1](conn)
                conn.execute(schema_version.update().values(version=number))
        return len(MIGRATIONS)

    def schema_version(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(schema_version.c.version)).scalar_one())

    # -- deliveries --------------------------------------------------------------------------

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        with self._read() as conn:
            row = conn.execute(deliveries.select().where(deliveries.c.id == delivery_id)).first()
        return None if row is None else _delivery(row._mapping)

    def queue_view(self, delivery_id: str, *, app: str) -> QueueView:
        """Whether ``delivery_id`` is stored, and the queue as it stands, in one read."""
        queued = DeliveryStatus.QUEUED.value
        with self._read() as conn:
            seen = conn.execute(
                sa.select(deliveries.c.id).where(deliveries.c.id == delivery_id)
            ).first()
            waiting = conn.execute(
                sa.select(sa.func.count()).where(deliveries.c.status == queued)
            ).scalar_one()
            rows = conn.execute(
                deliveries.select()
                .where(deliveries.c.status == queued)
                .where(deliveries.c.app == app)
                .order_by(deliveries.c.received_at, deliveries.c.id)
            )
            return QueueView(
                seen=seen is not None,
                queued_for_app=[_delivery(row._mapping) for row in rows],
                waiting=int(waiting),
            )

    def add_delivery(self, delivery: Delivery, *, supersede: Sequence[str] = ()) -> bool:
        """Store ``delivery`` and mark ``supersede`` (queued ids) replaced by it, in one
        transaction; False (nothing changed) when its id was seen before."""
        try:
            with self._tx() as conn:
                if conn.execute(
                    sa.select(deliveries.c.id).where(deliveries.c.id == delivery.id)
                ).first():
                    return False
                conn.execute(deliveries.insert().values(**_delivery_row(delivery)))
                if supersede:
                    conn.execute(
                        deliveries.update()
                        .where(deliveries.c.id.in_(list(supersede)))
                        .where(deliveries.c.status == DeliveryStatus.QUEUED.value)
                        .values(
                            status=DeliveryStatus.SUPERSEDED.value,
                            reason=f"replaced by the newer delivery {delivery.id}",
                        )
                    )
        except IntegrityError:
            return False
        return True

    def deliveries(
        self, *, statuses: Sequence[DeliveryStatus] = (), app: str | None = None
    ) -> list[Delivery]:
        """Deliveries in the order they were received (oldest first)."""
        query = deliveries.select().order_by(deliveries.c.received_at, deliveries.c.id)
        if statuses:
            query = query.where(deliveries.c.status.in_([s.value for s in statuses]))
        if app is not None:
            query = query.where(deliveries.c.app == app)
        with self._read() as conn:
            return [_delivery(row._mapping) for row in conn.execute(query)]

    def set_delivery(
        self,
        delivery_id: str,
        status: DeliveryStatus,
        *,
        reason: str | None = None,
        build_id: int | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status.value, "reason": reason}
        if build_id is not None:
            values["build_id"] = build_id
        with self._tx() as conn:
            conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(values))

    def count_deliveries(self, status: DeliveryStatus) -> int:
        with self._read() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).where(deliveries.c.status == status.value)
                ).scalar_one()
            )

    # -- builds ------------------------------------------------------------------------------

    def add_build(
        self, *, app: str, commit: str, trigger: str, delivery_id: str | None, now: float
    ) -> int:
        with self._tx() as conn:
            result = conn.execute(
                builds.insert().values(
                    app=app,
                    commit=commit,
                    trigger=trigger,
                    delivery_id=delivery_id,
                    status=Stage.QUEUED.value,
                    findings="[]",
                    created_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            build_id = int(key[0])
            if delivery_id is not None:
                conn.execute(
                    deliveries.update()
                    .where(deliveries.c.id == delivery_id)
                    .values(build_id=build_id)
                )
            return build_id

    def set_stage(self, build_id: int, stage: Stage, *, reason: str | None, now: float) -> None:
        values: dict[str, Any] = {"status": stage.value}
        if reason is not None or stage in FINAL_STAGES:
            values["reason"] = reason
        if stage is Stage.BUILDING:
            values["started_at"] = sa.func.coalesce(builds.c.started_at, now)
        if stage in FINAL_STAGES:
            values["finished_at"] = now
        with self._tx() as conn:
            conn.execute(builds.update().where(builds.c.id == build_id).values(values))
            conn.execute(build_stages.insert().values(build_id=build_id, stage=stage.value, at=now))

    def set_built(
        self,
        build_id: int,
        *,
        digest: str,
        size_bytes: int | None,
        findings: list[dict[str, object]],
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                builds.update()
                .where(builds.c.id == build_id)
                .values(digest=digest, size_bytes=size_bytes, findings=json.dumps(findings))
            )

    def get_build(self, build_id: int) -> Build | None:
        with self._read() as conn:
            row = conn.execute(builds.select().where(builds.c.id == build_id)).first()
        return None if row is None else _build(row._mapping)

    def builds(self, app: str, *, limit: int = 50) -> list[Build]:
        """The app's builds, newest first."""
        query = builds.select().where(builds.c.app == app).order_by(builds.c.id.desc()).limit(limit)
        with self._read() as conn:
            return [_build(row._mapping) for row in conn.execute(query)]

    def unfinished_builds(self) -> list[Build]:
        final = [stage.value for stage in FINAL_STAGES]
        query = builds.select().where(builds.c.status.not_in(final)).order_by(builds.c.id)
        with self._read() as conn:
            return [_build(row._mapping) for row in conn.execute(query)]

    def stage_times(self, build_ids: Sequence[int]) -> dict[int, list[tuple[Stage, float]]]:
        """For each build, the stages it entered and when, in order."""
        found: dict[int, list[tuple[Stage, float]]] = {build_id: [] for build_id in build_ids}
        if not build_ids:
            return found
        query = (
            sa.select(build_stages.c.build_id, build_stages.c.stage, build_stages.c.at)
            .where(build_stages.c.build_id.in_(list(build_ids)))
            .order_by(build_stages.c.id)
        )
        with self._read() as conn:
            for row in conn.execute(query):
                found[int(row.build_id)].append((Stage(row.stage), float(row.at)))
        return found

    def add_log(self, build_id: int, line: str) -> None:
        self.add_logs(build_id, [line])

    def add_logs(self, build_id: int, lines: Sequence[str]) -> None:
        """Append ``lines`` to a build's log, in order, in one transaction."""
        if not lines:
            return
        with self._tx() as conn:
            conn.execute(build_logs.insert(), [{"build_id": build_id, "line": x} for x in lines])

    def log_lines(self, build_id: int, *, after: int = 0) -> list[LogLine]:
        query = (
            sa.select(build_logs.c.id, build_logs.c.line)
            .where(build_logs.c.build_id == build_id)
            .where(build_logs.c.id > after)
            .order_by(build_logs.c.id)
        )
        with self._read() as conn:
            return [LogLine(id=int(r.id), line=str(r.line)) for r in conn.execute(query)]

    # -- deployments -------------------------------------------------------------------------

    def add_deployment(
        self,
        *,
        app: str,
        build_id: int | None,
        commit: str | None,
        digest: str,
        targets: list[dict[str, object]],
        status: DeploymentStatus,
        reason: str | None,
        now: float,
    ) -> int:
        """Record a deployment; a new live one marks the app's earlier live ones superseded."""
        with self._tx() as conn:
            if status is DeploymentStatus.LIVE:
                conn.execute(
                    deployments.update()
                    .where(deployments.c.app == app)
                    .where(deployments.c.status == DeploymentStatus.LIVE.value)
                    .values(status=DeploymentStatus.SUPERSEDED.value)
                )
            result = conn.execute(
                deployments.insert().values(
                    app=app,
                    build_id=build_id,
                    commit=commit,
                    digest=digest,
                    targets=json.dumps(targets),
                    status=status.value,
                    reason=reason,
                    created_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def deployments(self, app: str, *, limit: int = 50) -> list[Deployment]:
        """The app's deployments, newest first."""
        query = (
            deployments.select()
            .where(deployments.c.app == app)
            .order_by(deployments.c.id.desc())
            .limit(limit)
        )
        with self._read() as conn:
            return [_deployment(row._mapping) for row in conn.execute(query)]

    def get_deployment(self, deployment_id: int) -> Deployment | None:
        with self._read() as conn:
            row = conn.execute(
                deployments.select().where(deployments.c.id == deployment_id)
            ).first()
        return None if row is None else _deployment(row._mapping)

    # -- what the pages show of a build: its commit, its image's layers ----------------------

    def record_commit(self, app: str, sha: str, *, subject: str, author: str) -> None:
        """What git says of a commit an app built (kept once: a commit does not change)."""
        try:
            with self._tx() as conn:
                if conn.execute(
                    sa.select(commits.c.sha).where(commits.c.app == app, commits.c.sha == sha)
                ).first():
                    return
                conn.execute(
                    commits.insert().values(app=app, sha=sha, subject=subject, author=author)
                )
        except IntegrityError:
            return  # another thread recorded it in between

    def set_layers(self, build_id: int, summary: Mapping[str, object]) -> None:
        """The layers of the image a build pushed (``LayerSummary.as_json()``); a build run
        again (resumed after a restart) keeps its newest."""
        text = json.dumps(summary)
        with self._tx() as conn:
            if conn.execute(
                sa.select(build_layers.c.build_id).where(build_layers.c.build_id == build_id)
            ).first():
                conn.execute(
                    build_layers.update()
                    .where(build_layers.c.build_id == build_id)
                    .values(summary=text)
                )
            else:
                conn.execute(build_layers.insert().values(build_id=build_id, summary=text))

    def set_rollback_to(self, build_id: int, digest: str) -> None:
        """The digest the build's watch window rolls back to; the newest one counts."""
        with self._tx() as conn:
            done = conn.execute(
                build_rollbacks.update()
                .where(build_rollbacks.c.build_id == build_id)
                .values(digest=digest)
            )
            if not done.rowcount:
                conn.execute(build_rollbacks.insert().values(build_id=build_id, digest=digest))

    def rollback_to(self, build_id: int) -> str | None:
        """What :meth:`set_rollback_to` kept for the build, or None."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(build_rollbacks.c.digest).where(build_rollbacks.c.build_id == build_id)
            ).first()
        return None if row is None else str(row[0])

    def layers(self, build_id: int) -> dict[str, object] | None:
        """What :meth:`set_layers` kept for the build, or None."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(build_layers.c.summary).where(build_layers.c.build_id == build_id)
            ).first()
        return None if row is None else dict(json.loads(row[0]))

    def commit_facts(self, app: str, sha: str) -> tuple[str, str] | None:
        """(subject, author) of a commit the app built, or None when none was recorded."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(commits.c.subject, commits.c.author).where(
                    commits.c.app == app, commits.c.sha == sha
                )
            ).first()
        return None if row is None else (str(row[0]), str(row[1]))

    # -- tokens ------------------------------------------------------------------------------

    def add_token(self, *, name: str, scope: Scope, sha256: str, now: float) -> bool:
        """False when a token of that name exists."""
        try:
            with self._tx() as conn:
                conn.execute(
                    tokens.insert().values(
                        name=name, scope=scope.label, sha256=sha256, created_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def token_by_hash(self, sha256: str) -> TokenRecord | None:
        with self._read() as conn:
            row = conn.execute(tokens.select().where(tokens.c.sha256 == sha256)).first()
        if row is None:
            return None
        return TokenRecord(
            name=str(row.name), scope=Scope.parse(str(row.scope)), created_at=float(row.created_at)
        )

    def tokens(self) -> list[TokenRecord]:
        with self._read() as conn:
            rows = list(conn.execute(tokens.select().order_by(tokens.c.name)))
        return [
            TokenRecord(name=str(r.name), scope=Scope.parse(str(r.scope)), created_at=r.created_at)
            for r in rows
        ]

    def ping(self) -> bool:
        try:
            with self._read() as conn:
                conn.execute(sa.select(1))
        except (StoreError, SQLAlchemyError):
            return False
        return True


@contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise StoreError(f"the database failed: {redact(str(exc.orig))}") from None


_READ_ONLY = "dockyard_read_only"  # an execution option: the transaction only reads


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {path.parent}: {exc.strerror}") from None
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            # reads run side by side (a burst of replays): keep enough connections open that
            # they are not made and closed per request
            pool_size=8,
            max_overflow=16,
        )

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi: Any, _record: Any) -> None:
            # The transactions are begun below, not by the driver.
            dbapi.isolation_level = None
            cursor = dbapi.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # The server and its build processes write the same file. A transaction that read
            # first could not write after another process's commit (SQLite answers "busy" at
            # once, the timeout does not apply); one that takes the write lock at its start
            # waits its turn instead. Reads take no lock.
            read_only = conn.get_execution_options().get(_READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 5}
    )


def _delivery_row(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "app": delivery.app,
        "provider": delivery.provider,
        "kind": delivery.kind.value,
        "received_at": delivery.received_at,
        "commit": delivery.commit,
        "digest": delivery.digest,
        "status": delivery.status.value,
        "reason": delivery.reason,
        "build_id": delivery.build_id,
    }


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row["id"],
        app=row["app"],
        provider=row["provider"],
        kind=DeliveryKind(row["kind"]),
        received_at=float(row["received_at"]),
        commit=row["commit"],
        digest=row["digest"],
        status=DeliveryStatus(row["status"]),
        reason=row["reason"],
        build_id=row["build_id"],
    )


def _build(row: Any) -> Build:
    return Build(
        id=int(row["id"]),
        app=row["app"],
        commit=row["commit"],
        trigger=row["trigger"],
        delivery_id=row["delivery_id"],
        status=Stage(row["status"]),
        reason=row["reason"],
        digest=row["digest"],
        size_bytes=None if row["size_bytes"] is None else int(row["size_bytes"]),
        findings=json.loads(row["findings"] or "[]"),
        created_at=float(row["created_at"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _deployment(row: Any) -> Deployment:
    return Deployment(
        id=int(row["id"]),
        app=row["app"],
        build_id=row["build_id"],
        commit=row["commit"],
        digest=row["digest"],
        targets=json.loads(row["targets"]),
        status=DeploymentStatus(row["status"]),
        reason=row["reason"],
        created_at=float(row["created_at"]),
    )
