"""Keep running containers on the newest image of their tag, safely (``dockyard watch``).

A cycle (:class:`Watcher`) selects containers, asks the registry once per unique reference,
pulls what changed and replaces each container with a journaled, confirmed, rolled-back-on-
failure swap; :func:`recover` replays what a crash interrupted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard._lazy import lazy_attributes
from dockyard.update._check import Backoff, CheckResult, DigestSource, RemoteDigest
from dockyard.update._cycle import Watcher, WatchSettings
from dockyard.update._handoff import TAKEOVER_SECONDS, take_over
from dockyard.update._journal import default_state_dir
from dockyard.update._recover import Recovered, recover
from dockyard.update._replace import ReplaceSettings, temporary_name
from dockyard.update._report import ContainerResult, CycleReport, Status
from dockyard.update._select import Selection
from dockyard.update._self import own_container_id

if TYPE_CHECKING:
    from dockyard.update._loop import WatchLoop
    from dockyard.update._notify import Notifier
    from dockyard.update._schedule import Schedule
    from dockyard.update._source import RegistryDigestSource

# Imported on first use (PEP 562): these pull in heavier dependencies.
_LAZY = {
    "WatchLoop": "_loop",
    "Notifier": "_notify",
    "Schedule": "_schedule",
    "RegistryDigestSource": "_source",
}

__all__ = [
    "TAKEOVER_SECONDS",
    "Backoff",
    "CheckResult",
    "ContainerResult",
    "CycleReport",
    "DigestSource",
    "Notifier",
    "Recovered",
    "RegistryDigestSource",
    "RemoteDigest",
    "ReplaceSettings",
    "Schedule",
    "Selection",
    "Status",
    "WatchLoop",
    "WatchSettings",
    "Watcher",
    "default_state_dir",
    "own_container_id",
    "recover",
    "take_over",
    "temporary_name",
]


__getattr__ = lazy_attributes(__name__, _LAZY)
