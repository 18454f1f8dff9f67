"""Per-container settings read from labels: watchtower's names and dockyard's own mean the same.

``dockyard.<key>`` wins over ``com.centurylinklabs.watchtower.<key>`` when both are set, so an
existing watchtower setup keeps working unchanged and can be migrated label by label.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "COMPOSE_DEPENDS_ON",
    "COMPOSE_PROJECT",
    "COMPOSE_SERVICE",
    "PREFIXES",
    "hook_timeout",
    "label_bool",
    "label_value",
]

PREFIXES = ("dockyard.", "com.centurylinklabs.watchtower.")
COMPOSE_DEPENDS_ON = "com.docker.compose.depends_on"
COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_SERVICE = "com.docker.compose.service"
_TRUE = {"1", "true", "yes", "on"}
_DEFAULT_HOOK_TIMEOUT_MINUTES = 1.0


def label_value(labels: Mapping[str, str], key: str) -> str | None:
    """The value of ``key`` (e.g. ``enable``, ``lifecycle.pre-update``) under either prefix."""
    for prefix in PREFIXES:
        value = labels.get(prefix + key)
        if value is not None:
            return value.strip()
    return None


def label_bool(labels: Mapping[str, str], key: str) -> bool | None:
    """True/False when the label is set, None when it is absent."""
    value = label_value(labels, key)
    if value is None:
        return None
    return value.lower() in _TRUE


def hook_timeout(labels: Mapping[str, str], hook: str) -> float:
    """A hook's timeout in seconds; labels give minutes as watchtower does (0 = no limit)."""
    value = label_value(labels, f"lifecycle.{hook}-timeout")
    try:
        minutes = float(value) if value else _DEFAULT_HOOK_TIMEOUT_MINUTES
    except ValueError:
        minutes = _DEFAULT_HOOK_TIMEOUT_MINUTES
    return minutes * 60 if minutes > 0 else 24 * 3600.0
