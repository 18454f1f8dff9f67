"""Swarm tasks: the containers a manager schedules for a service, one per replica slot (or per
node, for a global service), old ones kept as history up to the swarm's retention limit.

A rollout has converged when every task the manager wants running (``desired_state`` running)
is running the service's image; tasks on their way out keep ``desired_state`` shutdown, and a
failed one keeps its error (``status.err``, e.g. "task: non-zero exit (1)").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._models import _EngineModel, parse_model
from dockyard.engine._swarm import ObjectVersion
from dockyard.errors import ServiceNotFound

__all__ = ["TaskInspect", "TaskStatus", "list_tasks"]

# States of a task that has stopped for good, on its own or because it was told to.
_TERMINAL = frozenset({"complete", "shutdown", "failed", "rejected", "remove", "orphaned"})


class _ContainerStatus(_EngineModel):
    container_id: str = Field("", alias="ContainerID")
    exit_code: int = Field(0, alias="ExitCode")


class TaskStatus(_EngineModel):
    """``Status``: where the task is now. ``state`` runs new, pending, assigned, accepted,
    preparing, ready, starting, running, then complete, shutdown, failed or rejected."""

    timestamp: datetime | None = Field(None, alias="Timestamp")
    state: str = Field("", alias="State")
    message: str = Field("", alias="Message")
    err: str = Field("", alias="Err")
    container_status: _ContainerStatus = Field(
        _ContainerStatus.model_validate({}), alias="ContainerStatus"
    )

    @property
    def exit_code(self) -> int:
        return self.container_status.exit_code


class _TaskContainerSpec(_EngineModel):
    image: str = Field("", alias="Image")


class _TaskSpec(_EngineModel):
    container_spec: _TaskContainerSpec = Field(
        _TaskContainerSpec.model_validate({}), alias="ContainerSpec"
    )


class TaskInspect(_EngineModel):
    """One element of ``GET /tasks``, the fields dockyard reads."""

    id: str = Field(alias="ID")
    version: ObjectVersion = Field(alias="Version")
    created_at: datetime | None = Field(None, alias="CreatedAt")
    updated_at: datetime | None = Field(None, alias="UpdatedAt")
    service_id: str = Field(alias="ServiceID")
    node_id: str = Field("", alias="NodeID")  # "" until the task is assigned to a node
    slot: int | None = Field(None, alias="Slot")  # None for a global service's tasks
    desired_state: str = Field("", alias="DesiredState")
    status: TaskStatus = Field(TaskStatus.model_validate({}), alias="Status")
    spec: _TaskSpec = Field(_TaskSpec.model_validate({}), alias="Spec")

    @property
    def image(self) -> str:
        return self.spec.container_spec.image

    @property
    def state(self) -> str:
        return self.status.state

    @property
    def running(self) -> bool:
        return self.status.state == "running"

    @property
    def wanted(self) -> bool:
        """The manager wants this task running (it is not history, nor being shut down)."""
        return self.desired_state == "running"

    @property
    def finished(self) -> bool:
        return self.status.state in _TERMINAL

    @property
    def failed(self) -> bool:
        return self.status.state in ("failed", "rejected")


def list_tasks(
    engine: Engine, *, service: str, desired_state: str | None = None
) -> list[TaskInspect]:
    """The tasks of ``service`` (name or ID), history included unless ``desired_state`` (e.g.
    ``"running"``) narrows them; raises :class:`ServiceNotFound` for an unknown service."""
    filters: dict[str, Any] = {"service": [service]}
    if desired_state is not None:
        filters["desired-state"] = [desired_state]
    what = f"listing the tasks of service {service}"
    missing = f"no Swarm service {service!r} on this manager"
    with translate_errors(what, not_found=ServiceNotFound, missing=missing):
        documents: list[dict[str, Any]] = engine.sdk.api.tasks(filters=filters)
    return [parse_model(TaskInspect, d, what=what) for d in documents]
