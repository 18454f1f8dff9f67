"""What a replacement asks of the engine, as a protocol, so its decisions can run without one.

:class:`EngineContainers` carries the calls to a real engine; tests put an in-memory engine with
the same behaviour behind the same protocol (names unique, a stopped container keeps its name,
"not found" is :class:`ContainerNotFound`) and exercise every rollback and recovery path in
milliseconds. The real-engine tests run the same code through :class:`EngineContainers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from dockyard.engine import (
    ContainerInfo,
    Engine,
    create_container,
    find_container,
    remove_container,
    rename_container,
    start_container,
    stop_container,
)

__all__ = ["ContainerOps", "EngineContainers"]


class ContainerOps(Protocol):
    """The container verbs a replacement, its rollback and its recovery use."""

    def find(self, ref: str) -> ContainerInfo:
        """The container by id or name; :class:`ContainerNotFound` when there is none."""

    def stop(self, ref: str, *, timeout: int, signal: str | None) -> None: ...

    def rename(self, ref: str, new_name: str) -> None: ...

    def create(self, name: str, config: Mapping[str, Any]) -> str:
        """Create (not start) a container under ``name``; its id."""

    def start(self, ref: str) -> None: ...

    def remove(self, ref: str) -> None:
        """Remove it, running or not; a container already gone is not an error."""


class EngineContainers:
    """:class:`ContainerOps` on a real engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, ref: str) -> ContainerInfo:
        return find_container(self.engine, ref=ref)

    def stop(self, ref: str, *, timeout: int, signal: str | None) -> None:
        stop_container(self.engine, ref=ref, timeout=timeout, signal=signal)

    def rename(self, ref: str, new_name: str) -> None:
        rename_container(self.engine, ref=ref, new_name=new_name)

    def create(self, name: str, config: Mapping[str, Any]) -> str:
        return create_container(self.engine, name=name, config=config)

    def start(self, ref: str) -> None:
        start_container(self.engine, ref=ref)

    def remove(self, ref: str) -> None:
        remove_container(self.engine, ref=ref)
