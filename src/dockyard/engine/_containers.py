"""Containers and images as ``watch`` sees them: list, inspect, recreate, rename, stop, start.

This is the only module through which ``dockyard watch`` talks to the engine. Recreating a
container follows the rule watchtower proved over years: rebuild the create request from the
container's inspect data, keeping only what differs from the old image's defaults (env, command,
entrypoint, labels, volumes, exposed ports, working dir, user, healthcheck), so the new image's
own defaults apply; the host config is kept whole. Unlike watchtower, anonymous volumes are
re-attached by name so their data survives the update, and ``network_mode: container:<id>``
is rewritten to the referenced container's name so it follows a recreated dependency.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import docker.errors
import requests.exceptions

from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._images import inspect_image_document
from dockyard.engine._models import ContainerInspect, parse_model
from dockyard.errors import ContainerNotFound, EngineError, ImageNotFound

__all__ = [
    "ContainerInfo",
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
]

_INSPECT_WORKERS = 8  # the SDK's connection pool holds 10
# Endpoint fields that are runtime state, not configuration.
_ENDPOINT_KEEP = ("IPAMConfig", "Links", "Aliases", "DriverOpts")


@dataclass(frozen=True)
class ImageInfo:
    """An image in the engine: its id, where it came from, and its default config."""

    id: str
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    config: Mapping[str, Any]


@dataclass(frozen=True)
class ContainerInfo:
    """One container as ``watch`` decides on it: typed fields from the inspect document (or, for
    a list summary, the few the list call gives). ``attrs``, the raw document, is kept for
    recreating the container inside :mod:`dockyard.engine` and read nowhere else."""

    id: str
    name: str
    image_ref: str  # Config.Image: the reference the container was created from
    image_id: str
    status: str  # created, running, restarting, exited, paused, dead
    labels: Mapping[str, str]
    health: str | None  # None without a healthcheck; starting, healthy, unhealthy
    attrs: Mapping[str, Any] = field(repr=False)
    detailed: bool = False  # False for a list summary: no config, host config or networks
    exit_code: int = 0
    restart_count: int = 0
    has_healthcheck: bool = False
    last_probe: str = ""  # the last line the last health probe printed
    stop_timeout: int | None = None  # Config.StopTimeout, None when not set
    links: tuple[str, ...] = ()  # HostConfig.Links, as the engine writes them
    network_mode: str = ""  # HostConfig.NetworkMode, e.g. "container:<id>"

    @property
    def running(self) -> bool:
        return self.status == "running"

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any]) -> ContainerInfo:
        names = summary.get("Names") or [""]
        status = str(summary.get("State", "unknown"))
        text = str(summary.get("Status", ""))
        health = next((h for h in ("unhealthy", "healthy") if f"({h})" in text), None)
        return cls(
            id=str(summary["Id"]),
            name=str(names[0]).lstrip("/"),
            image_ref=str(summary.get("Image", "")),
            image_id=str(summary.get("ImageID", "")),
            status=status,
            labels=dict(summary.get("Labels") or {}),
            health=health or ("starting" if "health: starting" in text else None),
            attrs=summary,
        )

    @classmethod
    def from_attrs(cls, attrs: Mapping[str, Any]) -> ContainerInfo:
        inspect = parse_model(ContainerInspect, attrs, what="inspecting a container")
        state = inspect.state
        tests = inspect.config.healthcheck_test
        return cls(
            id=inspect.id,
            name=inspect.name.lstrip("/"),
            image_ref=inspect.config.image,
            image_id=inspect.image_id,
            status=state.status,
            labels=dict(inspect.config.labels),
            health=(state.health.status or None) if state.health is not None else None,
            attrs=attrs,
            detailed=True,
            exit_code=state.exit_code,
            restart_count=inspect.restart_count,
            has_healthcheck=bool(tests) and tests[0] != "NONE",
            last_probe=state.health.last_output if state.health is not None else "",
            stop_timeout=inspect.config.stop_timeout,
            links=tuple(inspect.host_config.links),
            network_mode=inspect.host_config.network_mode,
        )


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    output: str


def list_containers(
    engine: Engine, *, all_states: bool = True, detailed: bool = True
) -> list[ContainerInfo]:
    """Every container: inspected one by one, or (``detailed=False``) from the list call alone.

    A summary has the id, name, image reference and id, state and labels: enough to select and
    check, at one request for all. Where the list shows an image id instead of the reference
    (the tag has moved since), that container is inspected to read its ``Config.Image``.
    """
    with translate_errors("listing containers"):
        summaries = engine.sdk.api.containers(all=all_states)

    def one(summary: Mapping[str, Any]) -> ContainerInfo | None:
        try:
            if detailed or _shows_image_id(summary):
                return find_container(engine, ref=str(summary["Id"]))
            return ContainerInfo.from_summary(summary)
        except ContainerNotFound:
            return None  # removed between list and inspect

    with concurrent.futures.ThreadPoolExecutor(max_workers=_INSPECT_WORKERS) as pool:
        return [info for info in pool.map(one, summaries) if info is not None]


def _shows_image_id(summary: Mapping[str, Any]) -> bool:
    image = str(summary.get("Image", ""))
    return (
        image.startswith("sha256:")
        or image == str(summary.get("ImageID", "")).removeprefix("sha256:")[: len(image)]
    )


def find_container(engine: Engine, *, ref: str) -> ContainerInfo:
    """Inspect one container by id or name; :class:`ContainerNotFound` when it is gone."""
    missing = f"no container named {ref}"
    with translate_errors(
        f"inspecting container {ref}", not_found=ContainerNotFound, missing=missing
    ):
        attrs = engine.sdk.api.inspect_container(ref)
    return ContainerInfo.from_attrs(attrs)


def image_info(engine: Engine, *, ref: str) -> ImageInfo | None:
    """The engine's image for ``ref`` (name or id), or None when it has none."""
    attrs = inspect_image_document(engine, ref=ref)
    if attrs is None:
        return None
    return ImageInfo(
        id=str(attrs["Id"]),
        repo_tags=tuple(attrs.get("RepoTags") or ()),
        repo_digests=tuple(attrs.get("RepoDigests") or ()),
        config=dict(attrs.get("Config") or {}),
    )


def pull_image(
    engine: Engine,
    *,
    ref: str,
    auth: Mapping[str, str] | None = None,
    digest: str | None = None,
) -> ImageInfo:
    """Pull ``ref`` (``repo:tag``); ``auth`` is ``{"username", "password"}`` for the engine.

    With ``digest``, exactly that manifest is pulled (``repo@digest``: what was checked is what
    arrives, even if the tag moved meanwhile) and the local ``repo:tag`` is pointed at it, so a
    container recreated from the tag runs that image."""
    repository, tag = _split_tag(ref)
    with translate_errors(f"pulling {ref}"):
        engine.sdk.api.pull(repository, tag=digest or tag, auth_config=dict(auth) if auth else None)
        if digest:
            engine.sdk.api.tag(f"{repository}@{digest}", repository, tag, force=True)
    info = image_info(engine, ref=ref)
    if info is None:
        raise ImageNotFound(f"{ref} is not in the engine after pulling it")
    return info


def _split_tag(ref: str) -> tuple[str, str]:
    name = ref.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :]
    return name, "latest"


def stop_container(engine: Engine, *, ref: str, timeout: int, signal: str | None = None) -> None:
    """Stop with the container's own stop signal (or ``signal``), SIGKILL after ``timeout``."""
    with translate_errors(f"stopping {ref}"):
        if signal:
            try:
                engine.sdk.api.kill(ref, signal=signal)
            except docker.errors.APIError as exc:
                if "is not running" not in str(exc):
                    raise
                return
            try:
                engine.sdk.api.wait(ref, timeout=timeout)
            except requests.exceptions.RequestException:  # the wait timed out: SIGKILL it
                engine.sdk.api.stop(ref, timeout=0)
        else:
            engine.sdk.api.stop(ref, timeout=timeout)


def start_container(engine: Engine, *, ref: str) -> None:
    with translate_errors(f"starting {ref}"):
        engine.sdk.api.start(ref)


def rename_container(engine: Engine, *, ref: str, new_name: str) -> None:
    with translate_errors(f"renaming {ref} to {new_name}"):
        engine.sdk.api.rename(ref, new_name)


def remove_container(engine: Engine, *, ref: str) -> None:
    """Remove a container (forcefully); its named and anonymous volumes stay."""
    with (
        contextlib.suppress(ContainerNotFound),
        translate_errors(f"removing {ref}", not_found=ContainerNotFound),
    ):
        engine.sdk.api.remove_container(ref, force=True, v=False)


def remove_image_if_unused(engine: Engine, *, image_id: str) -> bool:
    """Remove an image no container uses any more; False when something still needs it."""
    with translate_errors("listing containers"):
        users = engine.sdk.api.containers(all=True, filters={"ancestor": image_id})
    if users:
        return False
    try:
        with translate_errors(f"removing image {image_id[:19]}"):
            engine.sdk.api.remove_image(image_id, force=True, noprune=False)
    except EngineError:
        return False
    return True


def exec_in_container(engine: Engine, *, ref: str, command: str, timeout: float) -> ExecResult:
    """Run a lifecycle hook (``sh -c command``) in a running container, bounded by ``timeout``."""
    with translate_errors(f"running a hook in {ref}"):
        exec_id = engine.sdk.api.exec_create(ref, ["sh", "-c", command])["Id"]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(engine.sdk.api.exec_start, exec_id)
        try:
            with translate_errors(f"running a hook in {ref}"):
                output = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            return ExecResult(exit_code=-1, output=f"timed out after {timeout:g}s")
        with translate_errors(f"reading a hook's result in {ref}"):
            code = engine.sdk.api.exec_inspect(exec_id).get("ExitCode")
    finally:
        pool.shutdown(wait=False)
    text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
    return ExecResult(exit_code=int(code if code is not None else -1), output=text.strip())


def container_create_config(
    *,
    container: ContainerInfo,
    image_config: Mapping[str, Any] | None,
    image_ref: str,
    names_by_id: Mapping[str, str],
) -> dict[str, Any]:
    """The create request that reproduces ``container`` on ``image_ref``.

    ``image_config`` is the config of the image the container was created from (None when that
    image is gone: then every value is kept as an override).
    """
    attrs = container.attrs
    config = copy.deepcopy(dict(attrs.get("Config") or {}))
    defaults = dict(image_config or {})
    _drop_image_defaults(config, defaults)
    mode = str((attrs.get("HostConfig") or {}).get("NetworkMode") or "")
    if config.get("Hostname") == container.id[:12] or mode.startswith("container:"):
        config.pop("Hostname", None)  # the engine's default, or the other container's
    bound = (attrs.get("HostConfig") or {}).get("PortBindings") or {}
    if bound:
        config["ExposedPorts"] = {**(config.get("ExposedPorts") or {}), **{p: {} for p in bound}}
    config.pop("MacAddress", None)
    config["Image"] = image_ref
    host = copy.deepcopy(dict(attrs.get("HostConfig") or {}))
    host["Links"] = _links_for_create(host.get("Links"))
    if mode.startswith("container:"):
        target = mode.split(":", 1)[1]
        host["NetworkMode"] = "container:" + names_by_id.get(target, target)
    host["Binds"] = _binds_with_anonymous_volumes(attrs, host)
    config["HostConfig"] = host
    config["NetworkingConfig"] = {"EndpointsConfig": endpoints_for_create(container)}
    return config


def _drop_image_defaults(config: dict[str, Any], defaults: Mapping[str, Any]) -> None:
    image_env = set(defaults.get("Env") or [])
    config["Env"] = [e for e in config.get("Env") or [] if e not in image_env] or None
    image_labels = defaults.get("Labels") or {}
    labels = {k: v for k, v in (config.get("Labels") or {}).items() if image_labels.get(k) != v}
    config["Labels"] = labels
    for key in ("Volumes", "ExposedPorts"):
        image_keys = set((defaults.get(key) or {}).keys())
        kept = {k: v for k, v in (config.get(key) or {}).items() if k not in image_keys}
        config[key] = kept or None
    if (config.get("Entrypoint") or None) == (defaults.get("Entrypoint") or None):
        config["Entrypoint"] = None
        if (config.get("Cmd") or None) == (defaults.get("Cmd") or None):
            config["Cmd"] = None
    for key in ("WorkingDir", "User", "StopSignal"):
        if config.get(key) == defaults.get(key):
            config.pop(key, None)
    _drop_default_healthcheck(config, defaults.get("Healthcheck"))
    if config.get("OnBuild") == defaults.get("OnBuild"):
        config.pop("OnBuild", None)


def _drop_default_healthcheck(config: dict[str, Any], image_check: Any) -> None:
    """Keep only the healthcheck fields the container overrides; none at all when equal."""
    check = config.get("Healthcheck")
    if not check or not image_check:
        return
    kept = {k: v for k, v in check.items() if image_check.get(k) != v}
    if kept:
        config["Healthcheck"] = kept
    else:
        config.pop("Healthcheck")


def _links_for_create(links: Sequence[str] | None) -> list[str] | None:
    """Inspect shows ``/db:/web/alias``; create wants ``db:alias``."""
    if not links:
        return None
    result = []
    for link in links:
        name, _, alias = link.partition(":")
        result.append(f"{name.lstrip('/')}:{alias.rsplit('/', 1)[-1]}")
    return result


def _binds_with_anonymous_volumes(
    attrs: Mapping[str, Any], host: Mapping[str, Any]
) -> list[str] | None:
    """Keep anonymous volumes attached by name, so their data survives the recreate."""
    binds = list(host.get("Binds") or [])
    declared = {str(m.get("Target")) for m in host.get("Mounts") or []}
    declared |= {b.split(":")[1] for b in binds if ":" in b}
    for mount in attrs.get("Mounts") or []:
        if mount.get("Type") != "volume" or mount.get("Destination") in declared:
            continue
        mode = "rw" if mount.get("RW", True) else "ro"
        binds.append(f"{mount['Name']}:{mount['Destination']}:{mode}")
    return binds or None


def endpoints_for_create(container: ContainerInfo) -> dict[str, dict[str, Any]]:
    """Networks with aliases and static addresses, without the runtime-only fields."""
    mode = container.network_mode
    if mode in ("host", "none") or mode.startswith("container:"):
        return {}
    networks = (container.attrs.get("NetworkSettings") or {}).get("Networks") or {}
    short_id = container.id[:12]
    endpoints: dict[str, dict[str, Any]] = {}
    for name, settings in networks.items():
        endpoint = {k: copy.deepcopy(settings[k]) for k in _ENDPOINT_KEEP if settings.get(k)}
        aliases = [a for a in endpoint.get("Aliases") or [] if a != short_id]
        if aliases:
            endpoint["Aliases"] = aliases
        else:
            endpoint.pop("Aliases", None)
        endpoints[name] = endpoint
    return endpoints


def create_container(engine: Engine, *, name: str, config: Mapping[str, Any]) -> str:
    """Create ``name`` from a :func:`container_create_config` request; returns the new id.

    The container is created on its first network, then connected to the others one by one,
    as the API accepts a single endpoint at create time on older engines.
    """
    request = copy.deepcopy(dict(config))
    endpoints: dict[str, Any] = request.pop("NetworkingConfig", {}).get("EndpointsConfig", {})
    first = dict(list(endpoints.items())[:1])
    request["NetworkingConfig"] = {"EndpointsConfig": first}
    with translate_errors(f"creating {name}"):
        created = engine.sdk.api.create_container_from_config(request, name)
    new_id = str(created["Id"])
    try:
        for network, endpoint in list(endpoints.items())[1:]:
            with translate_errors(f"connecting {name} to {network}"):
                engine.sdk.api.connect_container_to_network(
                    new_id,
                    network,
                    aliases=endpoint.get("Aliases"),
                    links=endpoint.get("Links"),
                    ipv4_address=(endpoint.get("IPAMConfig") or {}).get("IPv4Address"),
                    ipv6_address=(endpoint.get("IPAMConfig") or {}).get("IPv6Address"),
                    driver_opt=endpoint.get("DriverOpts"),
                )
    except EngineError:
        remove_container(engine, ref=new_id)
        raise
    return new_id
