"""Swarm membership of the engine dockyard talks to, read from ``GET /info``, and the small
pieces every Swarm object shares (its version, durations in nanoseconds).

Services, tasks and nodes can only be read from a manager: a worker answers 503 "This node is
not a swarm manager". :func:`is_swarm_manager` tells the two apart before anything else is
asked, so a caller can say "point DOCKER_HOST at a manager" instead of relaying the 503.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._models import _EngineModel, parse_model

__all__ = ["Duration", "ObjectVersion", "SwarmInfo", "is_swarm_manager", "swarm_info"]


def _from_nanoseconds(value: Any) -> Any:
    """The engine writes durations as integer nanoseconds (``"Delay": 1000000000``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(microseconds=value // 1000)
    return value


Duration = Annotated[timedelta, BeforeValidator(_from_nanoseconds)]


class ObjectVersion(_EngineModel):
    """``Version``: the object's index in the manager's store; an update must name the index
    it was read at (``POST /services/{id}/update?version=``), so concurrent writers conflict
    instead of overwriting each other."""

    index: int = Field(alias="Index")


class _Cluster(_EngineModel):
    id: str = Field("", alias="ID")


class SwarmInfo(_EngineModel):
    """``Swarm`` of ``GET /info``: this engine's place in a swarm."""

    node_id: str = Field("", alias="NodeID")
    node_addr: str = Field("", alias="NodeAddr")
    local_node_state: str = Field("inactive", alias="LocalNodeState")  # inactive, pending,
    # active, error, locked
    control_available: bool = Field(False, alias="ControlAvailable")  # true on managers only
    error: str = Field("", alias="Error")
    nodes: int = Field(0, alias="Nodes")  # managers only
    managers: int = Field(0, alias="Managers")  # managers only
    cluster: _Cluster | None = Field(None, alias="Cluster")  # managers only

    @property
    def active(self) -> bool:
        return self.local_node_state == "active"

    @property
    def is_manager(self) -> bool:
        """Active in a swarm and able to answer for its services, tasks and nodes."""
        return self.active and self.control_available

    @property
    def cluster_id(self) -> str:
        return self.cluster.id if self.cluster is not None else ""


def swarm_info(engine: Engine) -> SwarmInfo:
    """The engine's Swarm membership (``inactive`` on an engine that never joined one, and on
    Podman, which has no Swarm)."""
    with translate_errors("reading the engine's swarm state"):
        info: dict[str, Any] = engine.sdk.api.info()
    return parse_model(SwarmInfo, info.get("Swarm") or {}, what="reading the engine's swarm state")


def is_swarm_manager(engine: Engine) -> bool:
    """Whether the engine is an active Swarm manager (services can be read and updated there)."""
    return swarm_info(engine).is_manager
