"""An in-memory swarm manager behind :class:`ServiceOps`, behaving as swarmkit does.

Each service rolls out in steps, one per ``inspect``: the update status starts (``updating``),
then the new image's tasks either run (``completed``), or fail, and the service's failure action
decides: ``rollback`` returns to the previous spec by itself (``rollback_started`` then
``rollback_completed``), ``pause`` stops (``paused``), ``continue`` completes with failed tasks.
An update resets the update status, as the manager does; a rollback swaps the two specs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dockyard.engine import ServiceInspect, TaskInspect, UpdatePolicy
from dockyard.errors import EngineError

__all__ = ["FakeSwarm"]


@dataclass
class _Service:
    id: str
    name: str
    image: str
    labels: dict[str, str]
    replicas: int
    failure_action: str | None  # None: no UpdateConfig stored
    host_ports: bool = False
    previous: str | None = None
    status: dict[str, Any] | None = None
    tasks_image: str = ""
    tasks_failed: bool = False
    version: int = 1
    steps: list[str] = field(default_factory=list)  # states still to go through


class FakeSwarm:
    def __init__(self, *, broken_images: frozenset[str] = frozenset()) -> None:
        self.broken_images = broken_images  # images whose tasks exit at once
        self.items: dict[str, _Service] = {}
        self.updates: list[tuple[str, str, Mapping[str, str] | None, UpdatePolicy | None]] = []
        self.rollbacks: list[str] = []
        self.clock = 0

    def add(
        self,
        name: str,
        image: str,
        *,
        labels: dict[str, str] | None = None,
        replicas: int = 2,
        failure_action: str | None = None,
        host_ports: bool = False,
        updating: bool = False,
    ) -> str:
        service = _Service(
            id=f"id-{name}",
            name=name,
            image=image,
            labels=labels or {},
            replicas=replicas,
            failure_action=failure_action,
            host_ports=host_ports,
            tasks_image=image,
        )
        if updating:
            service.status = self._status("updating")
        self.items[service.id] = service
        return service.id

    # -- ServiceOps ---------------------------------------------------------------------------

    def services(self) -> list[ServiceInspect]:
        return [self._model(s) for s in self.items.values()]

    def inspect(self, service_id: str) -> ServiceInspect:
        service = self.items[service_id]
        self._step(service)
        return self._model(service)

    def tasks(self, service_id: str) -> list[TaskInspect]:
        service = self.items[service_id]
        state = "failed" if service.tasks_failed else "running"
        return [
            TaskInspect.model_validate(
                {
                    "ID": f"{service.id}-task-{slot}",
                    "Version": {"Index": service.version},
                    "ServiceID": service.id,
                    "Slot": slot,
                    "DesiredState": "running",
                    "Status": {"State": state},
                    "Spec": {"ContainerSpec": {"Image": service.tasks_image}},
                }
            )
            for slot in range(1, service.replicas + 1)
        ]

    def update(
        self,
        service_id: str,
        *,
        image: str,
        auth: Mapping[str, str] | None,
        policy: UpdatePolicy | None,
    ) -> None:
        service = self.items[service_id]
        self.updates.append((service.name, image, auth, policy))
        if service.failure_action is None and policy is not None:
            service.failure_action = policy.failure_action
        service.previous, service.image = service.image, image
        service.status = None  # the manager resets it with the new spec
        service.version += 1
        action = service.failure_action or "pause"
        if image not in self.broken_images:
            service.steps = ["updating", "completed"]
        elif action == "rollback":
            service.steps = ["updating", "failed", "rollback_started", "rollback_completed"]
        elif action == "continue":
            service.steps = ["updating", "failed", "completed"]
        else:
            service.steps = ["updating", "failed", "paused"]

    def rollback(self, service_id: str, *, auth: Mapping[str, str] | None) -> None:
        service = self.items[service_id]
        if service.previous is None:
            raise EngineError(f"rolling back service {service.name}: no previous spec")
        self.rollbacks.append(service.name)
        service.image, service.previous = service.previous, service.image
        service.status = None
        service.version += 1
        service.steps = ["rollback_started", "rollback_completed"]

    # -- the manager's side -------------------------------------------------------------------

    def _step(self, service: _Service) -> None:
        if not service.steps:
            return
        state = service.steps.pop(0)
        if state == "failed":  # the new tasks exit; the update status does not change yet
            service.tasks_image, service.tasks_failed = service.image, True
            return
        if state == "completed":
            service.tasks_image = service.image
            service.tasks_failed = service.image in self.broken_images
        manager_rolls_back = service.image in self.broken_images and service.previous is not None
        if state == "rollback_started" and manager_rolls_back:
            service.image, service.previous = service.previous or service.image, None
        if state == "rollback_completed":
            service.tasks_image, service.tasks_failed = service.image, False
        message = "update rolled back due to failure" if "rollback" in state else state
        service.status = self._status(state, message)

    def _status(self, state: str, message: str = "") -> dict[str, Any]:
        self.clock += 1
        return {
            "State": state,
            "Message": message,
            "StartedAt": f"2026-12-03T10:00:{self.clock:02d}Z",
        }

    def _model(self, service: _Service) -> ServiceInspect:
        spec: dict[str, Any] = {
            "Name": service.name,
            "Labels": service.labels,
            "TaskTemplate": {"ContainerSpec": {"Image": service.image}},
            "Mode": {"Replicated": {"Replicas": service.replicas}},
        }
        if service.failure_action is not None:
            spec["UpdateConfig"] = {"FailureAction": service.failure_action}
        if service.host_ports:
            spec["EndpointSpec"] = {
                "Mode": "dnsrr",
                "Ports": [{"TargetPort": 80, "PublishedPort": 8080, "PublishMode": "host"}],
            }
        document: dict[str, Any] = {
            "ID": service.id,
            "Version": {"Index": service.version},
            "Spec": spec,
        }
        if service.previous is not None:
            previous = dict(spec)
            previous["TaskTemplate"] = {"ContainerSpec": {"Image": service.previous}}
            document["PreviousSpec"] = previous
        if service.status is not None:
            document["UpdateStatus"] = service.status
        return ServiceInspect.model_validate(document)
