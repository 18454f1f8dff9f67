"""The only code in dockyard that talks to the Docker (or Podman) API."""

from __future__ import annotations

from dockyard.engine._client import Engine, EngineFacts, translate_errors

__all__ = ["Engine", "EngineFacts", "translate_errors"]
