"""The only code in dockyard that talks to the Docker (or Podman) API."""

from __future__ import annotations

from dockyard.engine._client import Engine, EngineFacts, translate_errors
from dockyard.engine._containers import (
    ContainerInfo,
    ExecResult,
    ImageInfo,
    container_create_config,
    create_container,
    exec_in_container,
    find_container,
    image_info,
    list_containers,
    pull_image,
    remove_container,
    remove_image_if_unused,
    rename_container,
    start_container,
    stop_container,
)

__all__ = [
    "ContainerInfo",
    "Engine",
    "EngineFacts",
    "ExecResult",
    "ImageInfo",
    "container_create_config",
    "create_container",
    "exec_in_container",
    "find_container",
    "image_info",
    "list_containers",
    "pull_image",
    "remove_container",
    "remove_image_if_unused",
    "rename_container",
    "start_container",
    "stop_container",
    "translate_errors",
]
