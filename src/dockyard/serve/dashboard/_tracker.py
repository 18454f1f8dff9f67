"""What changed in the store since the last look, cheaply, for the live updates and the
overview's cache.

The store lists builds and deployments per app, so a full look at 50 apps is 100 queries. The
tracker instead probes the next build and deployment ids (both are global and increasing), and
the unfinished builds (one query): a new row names its app, a build that changes state is
unfinished before it is final. Each app whose rows changed gets a new version; a full look every
``resync_s`` catches what a probe could miss (an id the database skipped). The overview keeps
each app's rows until that app's version moves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dockyard.serve._store import Build, Deployment, Store

__all__ = ["AppRows", "Tracker"]

OVERVIEW_BUILDS = 2
OVERVIEW_DEPLOYMENTS = 5


@dataclass(frozen=True)
class AppRows:
    builds: list[Build]
    deployments: list[Deployment]


class Tracker:
    def __init__(
        self,
        store: Store,
        apps: Sequence[str],
        *,
        interval_s: float,
        resync_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._apps = list(apps)
        self._interval = interval_s
        self._resync = resync_s
        self._clock = clock
        self._lock = threading.Lock()
        self._checked = -1e18
        self._synced = -1e18
        self._next_build = 1
        self._next_deployment = 1
        self._unfinished: dict[int, tuple[str, object, object]] = {}
        self._latest: dict[str, tuple[object, ...]] = {}
        self._versions: dict[str, int] = dict.fromkeys(self._apps, 0)
        self._rows: dict[str, tuple[int, AppRows]] = {}
        self.version = 0

    def _bump(self, app: str) -> None:
        if app in self._versions:
            self._versions[app] += 1
            self.version += 1

    def _full(self) -> None:
        for app in self._apps:
            rows = AppRows(
                builds=self._store.builds(app, limit=OVERVIEW_BUILDS),
                deployments=self._store.deployments(app, limit=OVERVIEW_DEPLOYMENTS),
            )
            latest = (
                tuple((b.id, b.status, b.digest) for b in rows.builds[:1]),
                tuple((d.id, d.status) for d in rows.deployments[:1]),
            )
            if self._latest.get(app) != latest:
                if app in self._latest:
                    self._bump(app)
                self._latest[app] = latest
            self._rows[app] = (self._versions[app], rows)
            for build in rows.builds[:1]:
                self._next_build = max(self._next_build, build.id + 1)
            for deployment in rows.deployments[:1]:
                self._next_deployment = max(self._next_deployment, deployment.id + 1)

    def _probe(self) -> None:
        while (build := self._store.get_build(self._next_build)) is not None:
            self._bump(build.app)
            self._next_build += 1
        while (deployment := self._store.get_deployment(self._next_deployment)) is not None:
            self._bump(deployment.app)
            self._next_deployment += 1
        now_unfinished: dict[int, tuple[str, object, object]] = {
            b.id: (b.app, b.status, b.digest) for b in self._store.unfinished_builds()
        }
        for build_id in set(now_unfinished) | set(self._unfinished):
            if now_unfinished.get(build_id) != self._unfinished.get(build_id):
                app = (now_unfinished.get(build_id) or self._unfinished[build_id])[0]
                self._bump(app)
        self._unfinished = now_unfinished

    def check(self) -> int:
        """Look for changes (at most once per interval); the overall version after."""
        with self._lock:
            now = self._clock()
            if now - self._checked < self._interval:
                return self.version
            self._checked = now
            if now - self._synced >= self._resync:
                self._synced = now
                self._full()
            self._probe()
            return self.version

    def app_version(self, app: str) -> int:
        self.check()
        with self._lock:
            return self._versions.get(app, 0)

    def rows(self, app: str) -> AppRows:
        """The overview's rows of ``app``: read again only when its version moved."""
        self.check()
        with self._lock:
            version = self._versions.get(app, 0)
            cached = self._rows.get(app)
            if cached is not None and cached[0] == version:
                return cached[1]
        rows = AppRows(
            builds=self._store.builds(app, limit=OVERVIEW_BUILDS),
            deployments=self._store.deployments(app, limit=OVERVIEW_DEPLOYMENTS),
        )
        with self._lock:
            if self._versions.get(app, 0) == version:
                self._rows[app] = (version, rows)
        return rows
