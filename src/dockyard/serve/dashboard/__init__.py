"""The dashboard of ``dockyard serve``: which commit runs where, how each build went, and a
rollback button; served on the same port as the API.

:func:`dashboard_routes` gives the starlette routes (pages under ``/`` and ``/ui/...``, the
static files under ``/ui/static``); what the pages ask of the rest of the server is the
:class:`DashboardActions` protocol. See docs/dashboard.md.
"""

from __future__ import annotations

from dockyard.serve.dashboard._actions import (
    CommitInfo,
    CommitLookup,
    DashboardActions,
    HealthLookup,
)
from dockyard.serve.dashboard._chart import SizePoint, size_chart
from dockyard.serve.dashboard._routes import CSP, SESSION_COOKIE, dashboard_routes
from dockyard.serve.dashboard._session import Signer, token_sha256

__all__ = [
    "CSP",
    "SESSION_COOKIE",
    "CommitInfo",
    "CommitLookup",
    "DashboardActions",
    "HealthLookup",
    "Signer",
    "SizePoint",
    "dashboard_routes",
    "size_chart",
    "token_sha256",
]
