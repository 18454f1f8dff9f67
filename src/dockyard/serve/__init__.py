"""``dockyard serve``: one long-running process from a push to a running container.

Triggers (signed forge webhooks, registry notifications, a ``git ls-remote`` poll) land in a
durable inbox; a worker per app builds the branch head ``git ls-remote`` reports, gates it,
pushes and deploys it, then watches it. See docs/serve.md.
"""

from __future__ import annotations

from dockyard.serve._config import (
    DEPLOY_KINDS,
    App,
    BuildSecret,
    Policy,
    Provider,
    ServeConfig,
    Webhook,
    default_serve_state_dir,
    load_config,
    parse_duration,
)
from dockyard.serve._health import AppHealth, HealthMonitor, HealthState, TargetHealth
from dockyard.serve._service import run_service, token_create
from dockyard.serve._store import Scope

__all__ = [
    "DEPLOY_KINDS",
    "App",
    "AppHealth",
    "BuildSecret",
    "HealthMonitor",
    "HealthState",
    "Policy",
    "Provider",
    "Scope",
    "ServeConfig",
    "TargetHealth",
    "Webhook",
    "default_serve_state_dir",
    "load_config",
    "parse_duration",
    "run_service",
    "token_create",
]
