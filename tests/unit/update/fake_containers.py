"""An in-memory engine behind :class:`dockyard.update.ContainerOps`, for the watch core's tests.

It keeps what a replacement relies on: names are unique (creating or renaming onto a taken name
is refused, as the engine refuses it), ids are stable, a container found by name or id, removal
of a missing container is no error. What the new image does when started is given per image:
``runs`` (default), ``crashes`` (exits 1), ``unhealthy`` (its health check fails) or
``healthy``. Faults: ``fail`` maps (verb, name) to the error that call raises; ``crash`` names
a verb after which the process "dies" (:class:`SimulatedCrash`), with the call carried out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dockyard.engine import ContainerInfo
from dockyard.errors import ContainerNotFound, EngineError

BEHAVIOURS = ("runs", "crashes", "unhealthy", "healthy")


class SimulatedCrash(BaseException):
    """The process died here: not an error dockyard handles, like SIGKILL."""


@dataclass
class FakeContainer:
    id: str
    name: str
    image: str
    status: str = "created"
    exit_code: int = 0
    health: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)

    def info(self) -> ContainerInfo:
        return ContainerInfo(
            id=self.id,
            name=self.name,
            image_ref=self.image,
            image_id="sha256:" + self.image.encode().hex().ljust(64, "0")[:64],
            status=self.status,
            labels={},
            health=self.health,
            attrs={},
            detailed=True,
            exit_code=self.exit_code,
            has_healthcheck=self.health is not None,
            last_probe="probe: connection refused" if self.health == "unhealthy" else "",
        )


@dataclass
class FakeContainers:
    behaviour: dict[str, str] = field(default_factory=dict)  # image -> what it does when started
    fail: dict[tuple[str, str], Exception] = field(default_factory=dict)
    crash: str | None = None  # a verb: the process dies right after carrying it out
    containers: dict[str, FakeContainer] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, name: str, image: str, *, status: str = "running") -> FakeContainer:
        container = FakeContainer(id=f"{next(self._ids):064x}", name=name, image=image)
        container.status = status
        self.containers[container.id] = container
        return container

    def named(self, name: str) -> FakeContainer | None:
        return next((c for c in self.containers.values() if c.name == name), None)

    def _get(self, ref: str) -> FakeContainer:
        found = self.containers.get(ref) or self.named(ref)
        if found is None:
            raise ContainerNotFound(f"no container named {ref}")
        return found

    def _enter(self, verb: str, ref: str) -> None:
        self.calls.append((verb, ref))
        error = self.fail.get((verb, ref))
        if error is not None:
            raise error

    def _leave(self, verb: str) -> None:
        if self.crash == verb:
            self.crash = None
            raise SimulatedCrash(verb)

    # -- ContainerOps ----------------------------------------------------------------------
    def find(self, ref: str) -> ContainerInfo:
        self._enter("find", ref)
        info = self._get(ref).info()
        self._leave("find")
        return info

    def stop(self, ref: str, *, timeout: int, signal: str | None) -> None:
        self._enter("stop", ref)
        container = self._get(ref)
        container.status, container.health = "exited", None
        self._leave("stop")

    def rename(self, ref: str, new_name: str) -> None:
        self._enter("rename", ref)
        container = self._get(ref)
        holder = self.named(new_name)
        if holder is not None and holder is not container:
            raise EngineError(f"renaming {ref} to {new_name}: Conflict, name in use")
        container.name = new_name
        self._leave("rename")

    def create(self, name: str, config: Mapping[str, Any]) -> str:
        self._enter("create", name)
        if self.named(name) is not None:
            raise EngineError(f"creating {name}: Conflict, the name is already in use")
        container = self.add(name, str(config.get("Image", "")), status="created")
        container.config = dict(config)
        self._leave("create")
        return container.id

    def start(self, ref: str) -> None:
        self._enter("start", ref)
        container = self._get(ref)
        what = self.behaviour.get(container.image, "runs")
        if what == "crashes":
            container.status, container.exit_code = "exited", 1
        else:
            container.status, container.exit_code = "running", 0
            container.health = {"unhealthy": "unhealthy", "healthy": "healthy"}.get(what)
        self._leave("start")

    def remove(self, ref: str) -> None:
        self._enter("remove", ref)
        found = self.containers.get(ref) or self.named(ref)
        if found is not None:
            del self.containers[found.id]
        self._leave("remove")

    def state(self) -> dict[str, tuple[str, str]]:
        """name -> (image, status): what a user would see in ``docker ps -a``."""
        return {c.name: (c.image, c.status) for c in self.containers.values()}
