"""What a deployment updates: targets as the configuration names them, and which containers
each one means on an engine (a pure function of the engine's container list)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from dockyard.errors import UsageError

if TYPE_CHECKING:
    from dockyard.engine import ContainerInfo

__all__ = [
    "COMPOSE_PROJECT_LABEL",
    "COMPOSE_SERVICE_LABEL",
    "Target",
    "TargetKind",
    "normalized_image",
    "resolve_containers",
]

COMPOSE_PROJECT_LABEL = "com.docker.compose.project"
COMPOSE_SERVICE_LABEL = "com.docker.compose.service"
_SWARM_TASK_LABEL = "com.docker.swarm.service.name"
_TEMP_MARK = "-dockyard-old-"  # a swap's old container, renamed aside (dockyard.update)


class TargetKind(StrEnum):
    """The configuration keys of a deploy target (the interface of ``serve``'s ``deploy``)."""

    CONTAINER = "container"  # one container by name
    LABEL = "label"  # every container with the label KEY=VALUE
    COMPOSE_SERVICE = "compose_service"  # PROJECT/SERVICE: the containers compose made for it
    SWARM_SERVICE = "swarm_service"  # a Swarm service by name (on a manager)
    KUBERNETES = "kubernetes"  # NAMESPACE/NAME of a Deployment

    @property
    def on_engine(self) -> bool:
        """Targets that are containers of the engine itself (the other two are orchestrated)."""
        return self in (TargetKind.CONTAINER, TargetKind.LABEL, TargetKind.COMPOSE_SERVICE)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    value: str

    @classmethod
    def parse(cls, entry: Mapping[str, str]) -> Target:
        """``{"container": "web"}`` and the like; one clear line for anything else."""
        keys = ", ".join(k.value for k in TargetKind)
        if len(entry) != 1:
            raise UsageError(f"a deploy target has exactly one key of {keys}: got {dict(entry)}")
        ((key, value),) = entry.items()
        try:
            kind = TargetKind(key)
        except ValueError:
            raise UsageError(f"unknown deploy target {key!r}: use one of {keys}") from None
        value = str(value).strip()
        if not value:
            raise UsageError(f"deploy target {key}: needs a value")
        if kind is TargetKind.LABEL and "=" not in value:
            raise UsageError(f"deploy target label: {value!r} is not KEY=VALUE")
        if kind in (TargetKind.COMPOSE_SERVICE, TargetKind.KUBERNETES):
            first, sep, second = value.partition("/")
            if not (sep and first and second) or "/" in second:
                shape = (
                    "PROJECT/SERVICE" if kind is TargetKind.COMPOSE_SERVICE else "NAMESPACE/NAME"
                )
                raise UsageError(f"deploy target {key}: {value!r} is not {shape}")
        return cls(kind=kind, value=value)

    @classmethod
    def parse_option(cls, text: str) -> Target:
        """The command-line spelling ``KIND=VALUE`` (``container=web``, ``label=app=web``)."""
        key, sep, value = text.partition("=")
        if not sep:
            raise UsageError(f"--to {text!r}: use KIND=VALUE, e.g. container=web")
        return cls.parse({key: value})

    def as_json(self) -> dict[str, str]:
        return {self.kind.value: self.value}

    def __str__(self) -> str:
        return f"{self.kind.value} {self.value}"


def normalized_image(image: str) -> str:
    """``repo`` -> ``repo:latest``; a digest suffix is refused (a deploy follows a tag)."""
    if "@" in image:
        raise UsageError(f"{image}: name the tag to deploy (repo:tag), and the digest apart")
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last else f"{image}:latest"


def resolve_containers(
    targets: Sequence[Target], containers: Iterable[ContainerInfo]
) -> dict[Target, list[ContainerInfo]]:
    """The engine's containers each container-kind target means (a Swarm task's container
    belongs to its service and a swap's temporary container to the swap: neither is one)."""
    candidates = [
        c for c in containers if _SWARM_TASK_LABEL not in c.labels and _TEMP_MARK not in c.name
    ]
    found: dict[Target, list[ContainerInfo]] = {}
    for target in targets:
        if target.kind.on_engine:
            found[target] = sorted(
                (c for c in candidates if _means(target, c)), key=lambda c: c.name
            )
    return found


def _means(target: Target, container: ContainerInfo) -> bool:
    if target.kind is TargetKind.CONTAINER:
        return container.name == target.value.lstrip("/")
    if target.kind is TargetKind.LABEL:
        key, _, value = target.value.partition("=")
        return container.labels.get(key) == value
    project, _, service = target.value.partition("/")
    return (
        container.labels.get(COMPOSE_PROJECT_LABEL) == project
        and container.labels.get(COMPOSE_SERVICE_LABEL) == service
    )
