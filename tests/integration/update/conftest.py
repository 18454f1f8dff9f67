"""Fixtures for watch: v1/v2 images pushed to the real registry, containers, a dockyard runner.

Every container, network, volume and image a test creates carries the test's unique suffix and
is removed at teardown; dockyard is always run with the test's own container names, so it never
touches anything else on the shared engine.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors
import pytest

from tests.conftest import TestEnv, wait_until

DOCKYARD = str(Path(sys.executable).with_name("dockyard"))
TEMP_MARK = "-dockyard-old-"

# v1 and v2 serve their version over HTTP on 8080 and write /ok, which the healthcheck reads.
# "broken" never writes /ok, so a healthcheck on /ok fails: a v2 that must be rolled back.
_DOCKERFILE = textwrap.dedent(
    """\
    FROM {base}
    ENV APP_VERSION={version} IMAGE_DEFAULT=yes
    LABEL dockyard.test.image-version={version}
    EXPOSE 8080
    VOLUME /cache
    WORKDIR /srv
    CMD ["sh", "-c", "{command}"]
    """
)
_COMMANDS = {
    "v1": "echo v1 > /tmp/index.html; touch /tmp/ok; exec httpd -f -p 8080 -h /tmp",
    "v2": "echo v2 > /tmp/index.html; touch /tmp/ok; exec httpd -f -p 8080 -h /tmp",
    "broken": "echo broken > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], *, timeout: float = 30.0, what: str = "") -> Any:
    return wait_until(condition, timeout=timeout, what=what or str(condition), interval=0.1)


@dataclass
class Images:
    """One repository in the registry with local builds of each variant."""

    client: docker.DockerClient
    repository: str  # 127.0.0.1:5000/dockyard-watch-<unique>
    base: str
    workdir: Path
    built: dict[str, str] = field(default_factory=dict)  # variant -> image id
    auth: dict[str, str] | None = None  # for a registry with basic auth

    def build(self, variant: str) -> str:
        if variant not in self.built:
            context = self.workdir / variant
            context.mkdir(parents=True, exist_ok=True)
            version = variant
            (context / "Dockerfile").write_text(
                _DOCKERFILE.format(base=self.base, version=version, command=_COMMANDS[variant])
            )
            image, _ = self.client.images.build(
                path=str(context), tag=f"{self.repository}:build-{variant}", rm=True
            )
            self.built[variant] = str(image.id)
        return self.built[variant]

    def publish(self, variant: str, *, tag: str = "stable") -> str:
        """Push ``variant`` as ``tag``; the local tag is set back to what it was, as on a host
        that has not pulled yet. Returns the pushed image id."""
        image_id = self.build(variant)
        previous = self._local(tag)
        self.client.images.get(image_id).tag(self.repository, tag)
        pushed = self.client.images.push(
            self.repository, tag=tag, stream=True, decode=True, auth_config=self.auth
        )
        for line in pushed:
            if "error" in line:
                raise AssertionError(f"push failed: {line['error']}")
        if previous and previous != image_id:
            self.client.images.get(previous).tag(self.repository, tag)
        return image_id

    def ref(self, tag: str = "stable") -> str:
        return f"{self.repository}:{tag}"

    def _local(self, tag: str) -> str | None:
        try:
            return str(self.client.images.get(self.ref(tag)).id)
        except docker.errors.ImageNotFound:
            return None


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    def status(self, name: str) -> dict[str, Any]:
        for entry in self.report["containers"]:
            if entry["name"] == name:
                return dict(entry)
        raise AssertionError(f"{name} not in the report: {self.stdout}\n{self.stderr}")


@dataclass
class Lab:
    """What one test created, removed at teardown, and a way to run dockyard on it."""

    client: docker.DockerClient
    unique: str
    state_dir: Path
    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    images: list[Images] = field(default_factory=list)

    def name(self, role: str) -> str:
        return f"dyw-{role}-{self.unique}"

    def run(self, image: str, role: str, **kwargs: Any) -> Any:
        name = self.name(role)
        self.containers.append(name)
        return self.client.containers.run(image, name=name, detach=True, **kwargs)

    def network(self, role: str, **kwargs: Any) -> str:
        name = self.name(role)
        self.client.networks.create(name, **kwargs)
        self.networks.append(name)
        return name

    def volume(self, role: str) -> str:
        name = self.name(role)
        self.client.volumes.create(name)
        self.volumes.append(name)
        return name

    def watch(
        self,
        *args: str,
        names: list[str] | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 240,
    ) -> Result:
        """``dockyard watch --run-once --json`` on this test's containers only."""
        command = [
            DOCKYARD,
            "watch",
            "--run-once",
            "--json",
            "--state-dir",
            str(self.state_dir),
            "--confirm-seconds",
            "2",
            "--health-timeout",
            "30",
            *args,
            *(names if names is not None else self.containers),
        ]
        full_env = {**os.environ, **(env or {})}
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=full_env, check=False
        )
        return Result(code=done.returncode, stdout=done.stdout, stderr=done.stderr)

    def ours(self) -> list[Any]:
        """Every container (any state) whose name has this test's suffix."""
        return [c for c in self.client.containers.list(all=True) if self.unique in c.name]

    def cleanup(self) -> None:
        for container in self.ours():
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True, v=True)
        for name in self.networks:
            with contextlib.suppress(docker.errors.APIError):
                self.client.networks.get(name).remove()
        for name in self.volumes:
            with contextlib.suppress(docker.errors.APIError):
                self.client.volumes.get(name).remove(force=True)
        for images in self.images:
            for image in self.client.images.list(name=images.repository):
                with contextlib.suppress(docker.errors.APIError):
                    self.client.images.remove(image.id, force=True)


@pytest.fixture
def lab(docker_client: docker.DockerClient, unique: str, tmp_path: Path) -> Iterator[Lab]:
    created = Lab(client=docker_client, unique=unique, state_dir=tmp_path / "state")
    yield created
    created.cleanup()


@pytest.fixture
def images(lab: Lab, test_env: TestEnv, unique: str, tmp_path: Path) -> Images:
    repo = Images(
        client=lab.client,
        repository=f"{test_env.registry}/dockyard-watch-{unique}",
        base=test_env.busybox,
        workdir=tmp_path / "images",
    )
    lab.images.append(repo)
    return repo


def create_rich(
    lab: Lab, images: Images, role: str, *, tmp_path: Path, network: str, volume: str
) -> str:
    """A container that uses every part of the configuration watch must carry over."""
    api = lab.client.api
    bind_dir = tmp_path / f"bind-{role}"
    bind_dir.mkdir(exist_ok=True)
    (bind_dir / "hello").write_text("hello\n")
    subnet_ip = subnet_for(lab).replace(".0/24", f".{10 + len(lab.containers)}")
    name = lab.name(role)
    host_config = api.create_host_config(
        binds={
            volume: {"bind": "/data", "mode": "rw"},
            str(bind_dir): {"bind": "/conf", "mode": "ro"},
        },
        port_bindings={8080: ("127.0.0.1", free_port())},
        restart_policy={"Name": "unless-stopped"},
        mem_limit="64m",
        cap_add=["NET_ADMIN"],
        cap_drop=["MKNOD"],
        devices=["/dev/null:/dev/xnull:rwm"],
        log_config={"Type": "json-file", "Config": {"max-size": "1m", "max-file": "2"}},
        init=True,
        extra_hosts={"example.internal": "127.0.0.2"},
        tmpfs={"/scratch": "size=1m"},
    )
    networking = api.create_networking_config(
        {network: api.create_endpoint_config(aliases=[f"{role}-alias"], ipv4_address=subnet_ip)}
    )
    created = api.create_container(
        images.ref(),
        name=name,
        command=[
            "sh",
            "-c",
            "echo rich > /scratch/index.html; touch /scratch/ok; exec httpd -f -p 8080 -h /scratch",
        ],
        environment={"OVERRIDE": "1", "APP_MODE": "rich"},
        ports=[8080, 9090],
        volumes=["/data", "/conf"],
        labels={"dockyard.test.role": role, "com.example.team": "ops"},
        healthcheck={
            "test": ["CMD", "test", "-e", "/scratch/ok"],
            "interval": 500_000_000,
            "timeout": 2_000_000_000,
            "retries": 3,
        },
        user="1000:1000",
        hostname=f"{role}-host",
        stop_signal="SIGTERM",
        stop_timeout=3,
        host_config=host_config,
        networking_config=networking,
    )
    lab.containers.append(name)
    api.start(created["Id"])
    return name


def subnet_for(lab: Lab) -> str:
    return f"10.{200 + int(lab.unique[:2], 16) % 50}.{int(lab.unique[2:4], 16)}.0/24"


def normalised(attrs: dict[str, Any]) -> dict[str, Any]:
    """The configuration a user set, without what changes on every container or image."""
    config = dict(attrs["Config"])
    host = dict(attrs["HostConfig"])
    # dockyard names anonymous volumes in Binds so their data survives: the same volumes
    # stay mounted (compared in "mounts"), only spelled out.
    host["Binds"] = [b for b in host.get("Binds") or [] if not re.match(r"[0-9a-f]{64}:", b)]
    env = sorted(e for e in config.pop("Env") or [] if not e.startswith("APP_VERSION="))
    labels = {k: v for k, v in (config.pop("Labels") or {}).items() if "image-version" not in k}
    networks = {
        name: {
            "Aliases": sorted(a for a in settings.get("Aliases") or [] if a != attrs["Id"][:12]),
            "IPAMConfig": settings.get("IPAMConfig"),
        }
        for name, settings in attrs["NetworkSettings"]["Networks"].items()
    }
    mounts = sorted(
        (m["Type"], m.get("Name") or m.get("Source"), m["Destination"], m["RW"])
        for m in attrs["Mounts"]
    )
    return {
        "config": config,
        "env": env,
        "labels": labels,
        "host": host,
        "networks": networks,
        "mounts": mounts,
        "name": attrs["Name"],
    }
