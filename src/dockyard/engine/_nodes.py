"""Swarm nodes, as a manager lists them: which engines take part, in which role, and whether
the scheduler may place tasks on them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._models import _EngineModel, parse_model
from dockyard.engine._swarm import ObjectVersion

__all__ = ["ManagerStatus", "NodeInspect", "list_nodes"]


class _NodeSpec(_EngineModel):
    role: str = Field("worker", alias="Role")  # worker, manager
    availability: str = Field("active", alias="Availability")  # active, pause, drain
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")


class _NodeEngine(_EngineModel):
    engine_version: str = Field("", alias="EngineVersion")


class _NodeDescription(_EngineModel):
    hostname: str = Field("", alias="Hostname")
    engine: _NodeEngine = Field(_NodeEngine.model_validate({}), alias="Engine")


class _NodeStatus(_EngineModel):
    state: str = Field("unknown", alias="State")  # unknown, down, ready, disconnected
    message: str = Field("", alias="Message")
    addr: str = Field("", alias="Addr")


class ManagerStatus(_EngineModel):
    leader: bool = Field(False, alias="Leader")
    reachability: str = Field("unknown", alias="Reachability")  # reachable, unreachable
    addr: str = Field("", alias="Addr")


class NodeInspect(_EngineModel):
    """One element of ``GET /nodes``, the fields dockyard reads."""

    id: str = Field(alias="ID")
    version: ObjectVersion = Field(alias="Version")
    spec: _NodeSpec = Field(_NodeSpec.model_validate({}), alias="Spec")
    description: _NodeDescription = Field(_NodeDescription.model_validate({}), alias="Description")
    status: _NodeStatus = Field(_NodeStatus.model_validate({}), alias="Status")
    manager_status: ManagerStatus | None = Field(None, alias="ManagerStatus")  # managers only

    @property
    def hostname(self) -> str:
        return self.description.hostname

    @property
    def role(self) -> str:
        return self.spec.role

    @property
    def availability(self) -> str:
        return self.spec.availability

    @property
    def state(self) -> str:
        return self.status.state

    @property
    def ready(self) -> bool:
        """Up, and open to new tasks."""
        return self.status.state == "ready" and self.spec.availability == "active"


def list_nodes(engine: Engine) -> list[NodeInspect]:
    """Every node of the swarm this manager belongs to."""
    with translate_errors("listing swarm nodes"):
        documents: list[dict[str, Any]] = engine.sdk.api.nodes()
    return [parse_model(NodeInspect, d, what="listing swarm nodes") for d in documents]
