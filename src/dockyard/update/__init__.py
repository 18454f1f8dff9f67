"""Keep running containers on the newest image of their tag, safely (``dockyard watch``).

A cycle (:class:`Watcher`) selects containers, asks the registry once per unique reference,
pulls what changed and replaces each container with a journaled, confirmed, rolled-back-on-
failure swap; :func:`recover` replays what a crash interrupted.
"""

from __future__ import annotations

from dockyard.update._check import Backoff, CheckResult, DigestSource, RemoteDigest
from dockyard.update._cycle import Watcher, WatchSettings
from dockyard.update._journal import default_state_dir
from dockyard.update._recover import Recovered, recover
from dockyard.update._replace import ReplaceSettings, temporary_name
from dockyard.update._report import ContainerResult, CycleReport, Status
from dockyard.update._select import Selection
from dockyard.update._self import own_container_id

__all__ = [
    "Backoff",
    "CheckResult",
    "ContainerResult",
    "CycleReport",
    "DigestSource",
    "Recovered",
    "RemoteDigest",
    "ReplaceSettings",
    "Selection",
    "Status",
    "WatchSettings",
    "Watcher",
    "default_state_dir",
    "own_container_id",
    "recover",
    "temporary_name",
]
