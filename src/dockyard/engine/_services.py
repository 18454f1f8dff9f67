"""Swarm services: list, inspect, update the image, roll back; typed models of the inspect JSON.

An update replaces the whole spec. ``POST /services/{id}/update`` takes the complete
``ServiceSpec`` and the ``Version.Index`` it was read at; a field left out is reset, not kept.
So :func:`update_service_image` posts the spec exactly as the manager stored it
(``insertDefaults`` off, so no default is written into the service), with only
``TaskTemplate.ContainerSpec.Image`` changed.

Credentials go in the ``X-Registry-Auth`` header, and the manager hands them to the workers
that pull the image. The docker SDK's ``update_service`` fills that header only from the SDK's
own docker config, and it has no ``rollback`` parameter. So both calls here post to the API
themselves, through the SDK's session, and errors still go through :func:`translate_errors`.
Without credentials the manager keeps the ones stored with the service (``registryAuthFrom=
spec``), and a rollback uses those of the spec it returns to (``previous-spec``), as
``docker service rollback`` does.

The engine neither resolves tags nor pins digests: the docker CLI does that, not the API. Pass
an image pinned by digest (``repo:tag@sha256:...``), so that every node runs the same content.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import docker.auth
from pydantic import Field

from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._models import _EngineModel, parse_model
from dockyard.engine._swarm import Duration, ObjectVersion
from dockyard.errors import EngineError, ServiceNotFound

__all__ = [
    "EndpointSpec",
    "Placement",
    "PortConfig",
    "ServiceInspect",
    "ServiceSpec",
    "ServiceUpdate",
    "ServiceUpdateConfig",
    "UpdatePolicy",
    "UpdateStatus",
    "inspect_service",
    "list_services",
    "rollback_service",
    "update_service_image",
]


class ServiceUpdateConfig(_EngineModel):
    """``UpdateConfig`` or ``RollbackConfig``: how the manager replaces tasks. A field the
    engine leaves out reads as the engine's own default (Parallelism 0 means all at once;
    Monitor 0 means swarmkit's 5 s)."""

    parallelism: int = Field(0, alias="Parallelism")
    delay: Duration = Field(timedelta(0), alias="Delay")
    failure_action: str = Field("pause", alias="FailureAction")  # pause, continue, rollback
    monitor: Duration = Field(timedelta(0), alias="Monitor")
    max_failure_ratio: float = Field(0.0, alias="MaxFailureRatio")
    order: str = Field("stop-first", alias="Order")  # stop-first, start-first


class PortConfig(_EngineModel):
    name: str = Field("", alias="Name")
    protocol: str = Field("tcp", alias="Protocol")
    target_port: int = Field(0, alias="TargetPort")
    published_port: int = Field(0, alias="PublishedPort")
    publish_mode: str = Field("ingress", alias="PublishMode")  # ingress (routing mesh), host


class EndpointSpec(_EngineModel):
    mode: str = Field("vip", alias="Mode")  # vip (IPVS load balancing), dnsrr
    ports: list[PortConfig] = Field(default_factory=list, alias="Ports")


class _ContainerSpec(_EngineModel):
    image: str = Field("", alias="Image")
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")


class Placement(_EngineModel):
    constraints: list[str] = Field(default_factory=list, alias="Constraints")
    max_replicas: int = Field(0, alias="MaxReplicas")  # per node; 0: no limit


class _TaskTemplate(_EngineModel):
    container_spec: _ContainerSpec = Field(_ContainerSpec.model_validate({}), alias="ContainerSpec")
    force_update: int = Field(0, alias="ForceUpdate")
    placement: Placement = Field(Placement.model_validate({}), alias="Placement")


class _Replicated(_EngineModel):
    replicas: int = Field(1, alias="Replicas")


class _ServiceMode(_EngineModel):
    replicated: _Replicated | None = Field(None, alias="Replicated")
    global_: dict[str, Any] | None = Field(None, alias="Global")


class ServiceSpec(_EngineModel):
    """``Spec`` (and ``PreviousSpec``): the fields dockyard decides on. Updates never rebuild a
    spec from this model: they post the engine's own document (see the module docstring)."""

    name: str = Field(alias="Name")
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")
    task_template: _TaskTemplate = Field(_TaskTemplate.model_validate({}), alias="TaskTemplate")
    mode: _ServiceMode = Field(_ServiceMode.model_validate({}), alias="Mode")
    update_config: ServiceUpdateConfig | None = Field(None, alias="UpdateConfig")
    rollback_config: ServiceUpdateConfig | None = Field(None, alias="RollbackConfig")
    endpoint_spec: EndpointSpec = Field(EndpointSpec.model_validate({}), alias="EndpointSpec")

    @property
    def image(self) -> str:
        return self.task_template.container_spec.image

    @property
    def replicas(self) -> int | None:
        """The replica count of a replicated service; None for a global one."""
        return self.mode.replicated.replicas if self.mode.replicated is not None else None


class UpdateStatus(_EngineModel):
    """``UpdateStatus``: the progress of the last update or rollback, as the manager reports it.
    ``state`` is one of updating, paused, completed, rollback_started, rollback_paused,
    rollback_completed."""

    state: str = Field("", alias="State")
    message: str = Field("", alias="Message")
    started_at: datetime | None = Field(None, alias="StartedAt")
    completed_at: datetime | None = Field(None, alias="CompletedAt")

    @property
    def in_progress(self) -> bool:
        return self.state in ("updating", "rollback_started")

    @property
    def paused(self) -> bool:
        """The manager stopped and waits for someone (``FailureAction: pause``, or a failed
        rollback)."""
        return self.state in ("paused", "rollback_paused")

    @property
    def rolled_back(self) -> bool:
        """A rollback ran, started by a failed update (``FailureAction: rollback``) or asked
        for."""
        return self.state.startswith("rollback_")


class _Endpoint(_EngineModel):
    ports: list[PortConfig] = Field(default_factory=list, alias="Ports")


class ServiceInspect(_EngineModel):
    """``GET /services/{id}``, the fields dockyard reads."""

    id: str = Field(alias="ID")
    version: ObjectVersion = Field(alias="Version")
    created_at: datetime | None = Field(None, alias="CreatedAt")
    updated_at: datetime | None = Field(None, alias="UpdatedAt")
    spec: ServiceSpec = Field(alias="Spec")
    previous_spec: ServiceSpec | None = Field(None, alias="PreviousSpec")
    endpoint: _Endpoint = Field(_Endpoint.model_validate({}), alias="Endpoint")
    update_status: UpdateStatus | None = Field(None, alias="UpdateStatus")

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def labels(self) -> dict[str, str]:
        return self.spec.labels

    @property
    def image(self) -> str:
        return self.spec.image

    @property
    def previous_image(self) -> str | None:
        """The image of the spec a rollback would return to; None when there is none: a new
        service, or one the manager rolled back by itself after a failed update (it drops
        ``PreviousSpec`` then; a rollback asked for swaps the two specs instead)."""
        return self.previous_spec.image if self.previous_spec is not None else None


@dataclass(frozen=True)
class ServiceUpdate:
    """What an update or rollback asked the manager for."""

    service_id: str
    name: str
    version: int  # the Version.Index the request named
    image_before: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class UpdatePolicy:
    """An ``UpdateConfig`` to store with a service that has none (the engine's defaults pause a
    failed update and watch each task for 5 s). Its rollback mirrors it, pausing on failure."""

    parallelism: int = 1
    failure_action: str = "rollback"
    monitor: timedelta = timedelta(seconds=10)
    order: str = "stop-first"  # start-first: the new task runs before the old one stops
    max_failure_ratio: float = 0.0

    def documents(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """``UpdateConfig`` and ``RollbackConfig`` as the Engine API takes them."""
        update = {
            "Parallelism": self.parallelism,
            "FailureAction": self.failure_action,
            "Monitor": int(self.monitor.total_seconds() * 1_000_000_000),
            "Order": self.order,
            "MaxFailureRatio": self.max_failure_ratio,
        }
        return update, update | {"FailureAction": "pause"}


def _missing(service: str) -> str:
    return f"no Swarm service {service!r} on this manager"


def _service_document(engine: Engine, service: str) -> dict[str, Any]:
    with translate_errors(
        f"inspecting service {service}", not_found=ServiceNotFound, missing=_missing(service)
    ):
        document: dict[str, Any] = engine.sdk.api.inspect_service(service)
    return document


def inspect_service(engine: Engine, *, service: str) -> ServiceInspect:
    """The service named ``service`` (its name, ID or an unambiguous ID prefix); raises
    :class:`ServiceNotFound` when the manager has no such service."""
    return parse_model(
        ServiceInspect, _service_document(engine, service), what=f"inspecting service {service}"
    )


def list_services(
    engine: Engine, *, labels: Mapping[str, str | None] | None = None
) -> list[ServiceInspect]:
    """Every service, or those carrying all ``labels`` (a value of None: the label is set, to
    anything)."""
    filters = (
        {"label": [key if value is None else f"{key}={value}" for key, value in labels.items()]}
        if labels
        else None
    )
    with translate_errors("listing services"):
        documents: list[dict[str, Any]] = engine.sdk.api.services(filters=filters)
    return [parse_model(ServiceInspect, d, what="listing services") for d in documents]


def _post_update(
    engine: Engine,
    document: Mapping[str, Any],
    *,
    spec: Mapping[str, Any],
    params: dict[str, Any],
    auth: Mapping[str, str] | None,
    what: str,
) -> ServiceUpdate:
    current = parse_model(ServiceInspect, document, what=what)
    headers = {"X-Registry-Auth": docker.auth.encode_header(dict(auth))} if auth else {}
    api = engine.sdk.api
    with translate_errors(what, not_found=ServiceNotFound, missing=_missing(current.name)):
        response = api._post_json(
            api._url("/services/{0}/update", current.id),
            data=dict(spec),
            params={"version": current.version.index, **params},
            headers=headers,
        )
        result = api._result(response, json=True) or {}
    return ServiceUpdate(
        service_id=current.id,
        name=current.name,
        version=current.version.index,
        image_before=current.image,
        warnings=tuple(str(w) for w in result.get("Warnings") or ()),
    )


def update_service_image(
    engine: Engine,
    *,
    service: str,
    image: str,
    auth: Mapping[str, str] | None = None,
    policy: UpdatePolicy | None = None,
) -> ServiceUpdate:
    """Ask the manager to move ``service`` to ``image`` (pin it by digest), keeping the rest of
    its spec as stored; ``auth`` (``{"username", "password"}``) is forwarded to the nodes that
    pull. ``policy`` is stored as the service's update and rollback config where it has none.
    Returns once the manager accepted the new spec: the rollout then runs per the service's
    ``UpdateConfig``, and :func:`inspect_service` shows its ``update_status``."""
    what = f"updating service {service} to {image}"
    document = _service_document(engine, service)
    spec = copy.deepcopy(document.get("Spec") or {})
    task_template = spec.setdefault("TaskTemplate", {})
    task_template.setdefault("ContainerSpec", {})["Image"] = image
    if policy is not None:
        update, rollback = policy.documents()
        spec.setdefault("UpdateConfig", update)
        spec.setdefault("RollbackConfig", rollback)
    params = {} if auth else {"registryAuthFrom": "spec"}
    return _post_update(engine, document, spec=spec, params=params, auth=auth, what=what)


def rollback_service(
    engine: Engine, *, service: str, auth: Mapping[str, str] | None = None
) -> ServiceUpdate:
    """``docker service rollback``: the manager returns ``service`` to its previous spec, per
    its ``RollbackConfig``. Raises :class:`EngineError` when the service has no previous spec."""
    what = f"rolling back service {service}"
    document = _service_document(engine, service)
    current = parse_model(ServiceInspect, document, what=what)
    if current.previous_spec is None:
        raise EngineError(f"{what}: it has no previous spec to return to")
    # The engine ignores the posted spec on a rollback, but the request must carry a valid one.
    params = {"rollback": "previous"} | ({} if auth else {"registryAuthFrom": "previous-spec"})
    return _post_update(
        engine, document, spec=document["Spec"], params=params, auth=auth, what=what
    )
