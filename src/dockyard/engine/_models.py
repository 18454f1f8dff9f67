"""Typed models of the engine's inspect JSON: the fields dockyard decides on, validated once here.

Everything outside :mod:`dockyard.engine` reads these, never the raw documents. Unknown fields
are ignored (engines add fields every release); missing ones get the engine's own defaults; a
``null`` where a list or object is expected (Engine 20.10 writes ``"Links": null``) reads as
empty. A document that does not fit (an ``Id`` missing, a state that is not an object) raises
:class:`dockyard.errors.EngineError` with what was being read, not a validation trace.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dockyard.errors import EngineError

__all__ = [
    "ContainerConfig",
    "ContainerHealth",
    "ContainerHostConfig",
    "ContainerInspect",
    "ContainerState",
    "HealthProbe",
    "ImageInspect",
    "parse_model",
]

_Model = TypeVar("_Model", bound=BaseModel)


class _EngineModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any, info: Any) -> Any:
        """``null`` for a list, mapping or nested model reads as its empty default."""
        if value is not None:
            return value
        field = cls.model_fields[info.field_name]
        if field.default_factory is not None:
            return field.default_factory()  # type: ignore[call-arg]
        return field.default


class HealthProbe(_EngineModel):
    exit_code: int = Field(0, alias="ExitCode")
    output: str = Field("", alias="Output")


class ContainerHealth(_EngineModel):
    status: str = Field("", alias="Status")  # starting, healthy, unhealthy
    failing_streak: int = Field(0, alias="FailingStreak")
    log: list[HealthProbe] = Field(default_factory=list, alias="Log")

    @property
    def last_output(self) -> str:
        """The last line the last probe printed, cut to 200 characters; "" when none."""
        lines = self.log[-1].output.strip().splitlines() if self.log else []
        return lines[-1][:200] if lines else ""


class ContainerState(_EngineModel):
    status: str = Field("unknown", alias="Status")  # created, running, restarting, exited, ...
    exit_code: int = Field(0, alias="ExitCode")
    health: ContainerHealth | None = Field(None, alias="Health")


class ContainerConfig(_EngineModel):
    image: str = Field("", alias="Image")
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")
    healthcheck_test: list[str] = Field(default_factory=list, alias="Healthcheck")
    stop_timeout: int | None = Field(None, alias="StopTimeout")

    @field_validator("healthcheck_test", mode="before")
    @classmethod
    def _test_of(cls, value: Any) -> Any:
        return (value or {}).get("Test") or [] if isinstance(value, dict) else value


class ContainerHostConfig(_EngineModel):
    links: list[str] = Field(default_factory=list, alias="Links")
    network_mode: str = Field("", alias="NetworkMode")


class ContainerInspect(_EngineModel):
    """``GET /containers/{id}/json``, the fields dockyard reads."""

    id: str = Field(alias="Id")
    name: str = Field("", alias="Name")
    image_id: str = Field("", alias="Image")
    restart_count: int = Field(0, alias="RestartCount")
    # frozen models: one shared empty default is safe
    state: ContainerState = Field(ContainerState.model_validate({}), alias="State")
    config: ContainerConfig = Field(ContainerConfig.model_validate({}), alias="Config")
    host_config: ContainerHostConfig = Field(
        ContainerHostConfig.model_validate({}), alias="HostConfig"
    )


class _RootFS(_EngineModel):
    layers: list[str] = Field(default_factory=list, alias="Layers")


class _ImageConfig(_EngineModel):
    user: str = Field("", alias="User")


class ImageInspect(_EngineModel):
    """``GET /images/{name}/json``, the fields dockyard reads. On the containerd image store
    ``id`` is the digest of the image's index or manifest, not of its config."""

    id: str = Field(alias="Id")
    repo_tags: list[str] = Field(default_factory=list, alias="RepoTags")
    repo_digests: list[str] = Field(default_factory=list, alias="RepoDigests")
    os: str = Field("", alias="Os")
    architecture: str = Field("", alias="Architecture")
    variant: str = Field("", alias="Variant")
    size: int = Field(0, alias="Size")
    rootfs: _RootFS = Field(_RootFS.model_validate({}), alias="RootFS")
    config: _ImageConfig = Field(_ImageConfig.model_validate({}), alias="Config")

    @property
    def user(self) -> str:
        """The user the image runs as (``Config.User``); "" when it names none (root)."""
        return self.config.user

    @property
    def diff_ids(self) -> list[str]:
        return list(self.rootfs.layers)

    @property
    def platform(self) -> tuple[str, str, str]:
        return self.os, self.architecture, self.variant


def parse_model(model: type[_Model], document: Any, *, what: str) -> _Model:
    """``document`` validated as ``model``; an :class:`EngineError` naming ``what`` if it does
    not fit."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem.get("loc", ())) or "document"
        raise EngineError(
            f"{what}: the engine answered with an unexpected document ({where}: {problem['msg']})"
        ) from None
