"""Connection to a Docker or Podman engine: the one place that opens the Docker API.

The API version is negotiated with the engine at connect time (``version="auto"``), never pinned:
a client pinned to an old version breaks when engines drop it, as Engine 29 did for watchtower.
``DOCKER_HOST`` (and ``DOCKER_TLS_VERIFY``/``DOCKER_CERT_PATH``) are honoured through the SDK.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import docker
import docker.errors
import requests.exceptions

from dockyard.errors import EngineError, EngineUnavailable

__all__ = ["Engine", "EngineFacts", "translate_errors"]


@dataclass(frozen=True)
class EngineFacts:
    """What dockyard needs to know about the engine it talks to."""

    product: str  # "docker" or "podman"
    version: str  # engine version, e.g. "20.10.24+dfsg1"
    api_version: str  # negotiated API version, e.g. "1.41"
    os: str
    arch: str

    @property
    def api_tuple(self) -> tuple[int, int]:
        major, _, minor = self.api_version.partition(".")
        return int(major), int(minor or 0)

    @property
    def builtin_frontend_has_heredocs(self) -> bool:
        """BuildKit's built-in Dockerfile frontend learned heredocs in Engine 23 (API 1.42)."""
        return self.product == "docker" and self.api_tuple >= (1, 42)


@contextlib.contextmanager
def translate_errors(
    what: str, *, not_found: type[EngineError] = EngineError, missing: str = ""
) -> Iterator[None]:
    """Turn docker SDK / transport exceptions into dockyard's error tree at the boundary. The
    engine's 404 becomes ``not_found`` (e.g. :class:`ImageNotFound`), worded ``missing`` when
    given: the one place where "not found" is decided."""
    try:
        yield
    except docker.errors.NotFound as exc:
        raise not_found(missing or f"{what}: {_explanation(exc)}") from exc
    except docker.errors.APIError as exc:
        raise EngineError(f"{what}: {_explanation(exc)}") from exc
    except (requests.exceptions.ConnectionError, docker.errors.DockerException) as exc:
        raise EngineUnavailable(
            f"{what}: no engine answers at {describe_host()} ({type(exc).__name__}); "
            "start dockerd or set DOCKER_HOST"
        ) from exc


def _explanation(exc: docker.errors.APIError) -> str:
    explanation = exc.explanation
    if isinstance(explanation, bytes):
        explanation = explanation.decode(errors="replace")
    return str(explanation or exc).strip()


def describe_host() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


class Engine:
    """A connected engine. Cheap to create; connects on first use."""

    def __init__(self, *, base_url: str | None = None, timeout: int = 120) -> None:
        self._base_url = base_url
        self._timeout = timeout

    @cached_property
    def sdk(self) -> docker.DockerClient:
        """The docker SDK client; for modules inside ``dockyard.engine`` only."""
        with translate_errors("connecting to the engine"):
            if self._base_url:
                client = docker.DockerClient(
                    base_url=self._base_url, version="auto", timeout=self._timeout
                )
            else:
                client = docker.from_env(version="auto", timeout=self._timeout)
            client.ping()
        return client

    @cached_property
    def facts(self) -> EngineFacts:
        with translate_errors("reading the engine version"):
            version = self.sdk.version()
        components = {c.get("Name", ""): c for c in version.get("Components", []) or []}
        product = "podman" if any("podman" in name.lower() for name in components) else "docker"
        return EngineFacts(
            product=product,
            version=str(version.get("Version", "unknown")),
            api_version=str(self.sdk.api.api_version),
            os=str(version.get("Os", "linux")),
            arch=str(version.get("Arch", "amd64")),
        )

    @cached_property
    def storage_info(self) -> dict[str, Any]:
        """``docker info``: where and how the engine stores images. Read once per Engine; for
        modules inside ``dockyard.engine`` only."""
        with translate_errors("reading the engine's storage facts"):
            info: dict[str, Any] = self.sdk.info()
        return info

    def ping(self) -> None:
        """Raise :class:`EngineUnavailable` unless the engine answers."""
        with translate_errors("pinging the engine"):
            self.sdk.ping()

    def close(self) -> None:
        if "sdk" in self.__dict__:
            self.sdk.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
