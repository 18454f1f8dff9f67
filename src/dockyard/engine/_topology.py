"""What is wired to what on an engine: containers' networks, mounts and published ports,
networks and volumes, services' networks and mounts, and the engine's own name.

``dockyard diagram`` reads these to draw a compose project or a swarm; they are typed here, as
the rest of the engine's JSON is, so nothing outside :mod:`dockyard.engine` reads raw documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._models import _EngineModel, parse_model
from dockyard.errors import ContainerNotFound

__all__ = [
    "ContainerWiring",
    "MountPoint",
    "NetworkInspect",
    "PortBinding",
    "ServiceWiring",
    "VolumeInspect",
    "engine_name",
    "list_container_wiring",
    "list_networks",
    "list_service_wiring",
    "list_volumes",
]


def _label_filters(labels: Mapping[str, str | None] | None) -> dict[str, list[str]] | None:
    if not labels:
        return None
    return {"label": [key if value is None else f"{key}={value}" for key, value in labels.items()]}


class MountPoint(_EngineModel):
    """One of a container's ``Mounts``, or of a service's ``ContainerSpec.Mounts``."""

    type: str = Field("volume", alias="Type")  # volume, bind, tmpfs, npipe
    name: str = Field("", alias="Name")  # a volume's name ("" for a bind mount)
    source: str = Field("", alias="Source")  # the host path; a service's volume name
    destination: str = Field("", alias="Destination")
    target: str = Field("", alias="Target")  # a service mount's path in the container
    read_only: bool = Field(False, alias="ReadOnly")

    @property
    def path(self) -> str:
        """Where the container sees it."""
        return self.destination or self.target

    @property
    def volume(self) -> str:
        """The named volume, "" for a bind or tmpfs mount."""
        return (self.name or self.source) if self.type == "volume" else ""


class PortBinding(_EngineModel):
    host_ip: str = Field("", alias="HostIp")
    host_port: str = Field("", alias="HostPort")


class _Endpoint(_EngineModel):
    network_id: str = Field("", alias="NetworkID")


class _NetworkSettings(_EngineModel):
    networks: dict[str, _Endpoint] = Field(default_factory=dict, alias="Networks")
    ports: dict[str, list[PortBinding] | None] = Field(default_factory=dict, alias="Ports")


class _WiringConfig(_EngineModel):
    image: str = Field("", alias="Image")
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")


class _WiringState(_EngineModel):
    status: str = Field("unknown", alias="Status")


class ContainerWiring(_EngineModel):
    """``GET /containers/{id}/json``: the fields that say what a container is wired to."""

    id: str = Field(alias="Id")
    name: str = Field("", alias="Name")
    config: _WiringConfig = Field(_WiringConfig.model_validate({}), alias="Config")
    state: _WiringState = Field(_WiringState.model_validate({}), alias="State")
    mounts: list[MountPoint] = Field(default_factory=list, alias="Mounts")
    network_settings: _NetworkSettings = Field(
        _NetworkSettings.model_validate({}), alias="NetworkSettings"
    )

    @property
    def short_name(self) -> str:
        return self.name.lstrip("/")

    @property
    def image(self) -> str:
        return self.config.image

    @property
    def labels(self) -> dict[str, str]:
        return self.config.labels

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def networks(self) -> list[str]:
        """The names of the networks it is attached to, sorted."""
        return sorted(self.network_settings.networks)

    @property
    def published(self) -> list[tuple[str, int, int, str]]:
        """(host address, host port, container port, protocol) of each published port."""
        found = []
        for key, bindings in sorted(self.network_settings.ports.items()):
            port, _, protocol = key.partition("/")
            for binding in bindings or []:
                if binding.host_port.isdigit():
                    found.append(
                        (binding.host_ip, int(binding.host_port), int(port), protocol or "tcp")
                    )
        return found


def list_container_wiring(
    engine: Engine, *, labels: Mapping[str, str | None] | None = None
) -> list[ContainerWiring]:
    """Every container (running or not) carrying all ``labels``, inspected, sorted by name."""
    with translate_errors("listing containers"):
        summaries = engine.sdk.api.containers(all=True, filters=_label_filters(labels))
    found = []
    for summary in summaries:
        ref = str(summary["Id"])
        what = f"inspecting container {ref[:12]}"
        try:
            with translate_errors(what, not_found=ContainerNotFound):
                document = engine.sdk.api.inspect_container(ref)
        except ContainerNotFound:
            continue  # removed between list and inspect
        found.append(parse_model(ContainerWiring, document, what=what))
    return sorted(found, key=lambda c: c.short_name)


class NetworkInspect(_EngineModel):
    """One element of ``GET /networks``."""

    id: str = Field(alias="Id")
    name: str = Field("", alias="Name")
    driver: str = Field("", alias="Driver")  # bridge, overlay, host, null, macvlan
    scope: str = Field("local", alias="Scope")  # local, swarm, global
    internal: bool = Field(False, alias="Internal")
    ingress: bool = Field(False, alias="Ingress")  # the swarm's routing-mesh network
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")


def list_networks(
    engine: Engine, *, labels: Mapping[str, str | None] | None = None
) -> list[NetworkInspect]:
    """Every network (or those carrying all ``labels``), sorted by name."""
    with translate_errors("listing networks"):
        documents: list[dict[str, Any]] = engine.sdk.api.networks(filters=_label_filters(labels))
    found = [parse_model(NetworkInspect, d, what="listing networks") for d in documents]
    return sorted(found, key=lambda n: n.name)


class VolumeInspect(_EngineModel):
    """One element of ``GET /volumes``."""

    name: str = Field(alias="Name")
    driver: str = Field("local", alias="Driver")
    scope: str = Field("local", alias="Scope")
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")


def list_volumes(
    engine: Engine, *, labels: Mapping[str, str | None] | None = None
) -> list[VolumeInspect]:
    """Every volume (or those carrying all ``labels``), sorted by name."""
    with translate_errors("listing volumes"):
        answer: dict[str, Any] = engine.sdk.api.volumes(filters=_label_filters(labels)) or {}
    documents = answer.get("Volumes") or []
    found = [parse_model(VolumeInspect, d, what="listing volumes") for d in documents]
    return sorted(found, key=lambda v: v.name)


class _NetworkAttachment(_EngineModel):
    target: str = Field("", alias="Target")  # the network's ID (or name, as it was given)


class _WiringContainerSpec(_EngineModel):
    mounts: list[MountPoint] = Field(default_factory=list, alias="Mounts")


class _WiringTaskTemplate(_EngineModel):
    container_spec: _WiringContainerSpec = Field(
        _WiringContainerSpec.model_validate({}), alias="ContainerSpec"
    )
    networks: list[_NetworkAttachment] = Field(default_factory=list, alias="Networks")


class _WiringSpec(_EngineModel):
    name: str = Field("", alias="Name")
    task_template: _WiringTaskTemplate = Field(
        _WiringTaskTemplate.model_validate({}), alias="TaskTemplate"
    )
    networks: list[_NetworkAttachment] = Field(default_factory=list, alias="Networks")


class ServiceWiring(_EngineModel):
    """``GET /services``: the networks and mounts of a service's tasks."""

    id: str = Field(alias="ID")
    spec: _WiringSpec = Field(_WiringSpec.model_validate({}), alias="Spec")

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def network_targets(self) -> list[str]:
        """The networks its tasks attach to (IDs, as the manager stores them), in spec order;
        ``Spec.Networks`` is the older, deprecated place for them."""
        attachments = self.spec.task_template.networks or self.spec.networks
        return [a.target for a in attachments if a.target]

    @property
    def mounts(self) -> list[MountPoint]:
        return list(self.spec.task_template.container_spec.mounts)


def list_service_wiring(engine: Engine) -> list[ServiceWiring]:
    """The networks and mounts of every service (on a manager), sorted by name."""
    with translate_errors("listing services"):
        documents: list[dict[str, Any]] = engine.sdk.api.services()
    found = [parse_model(ServiceWiring, d, what="listing services") for d in documents]
    return sorted(found, key=lambda s: s.name)


def engine_name(engine: Engine) -> str:
    """The engine's host name (``docker info``'s Name), which a swarm calls its node's
    hostname."""
    with translate_errors("reading the engine's info"):
        info: dict[str, Any] = engine.sdk.api.info()
    return str(info.get("Name", "") or "")
