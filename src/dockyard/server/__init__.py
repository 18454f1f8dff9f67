"""dockyard's HTTP surface: the ``watch`` API (``/v1/update``, ``/v1/metrics``)."""

from __future__ import annotations

from dockyard.server._api import MAX_BODY_BYTES, create_watch_app
from dockyard.server._metrics import WatchMetrics
from dockyard.server._serve import ServerThread

__all__ = ["MAX_BODY_BYTES", "ServerThread", "WatchMetrics", "create_watch_app"]
