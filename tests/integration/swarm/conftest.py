"""Fixtures for Swarm: the three-node test swarm, images in the real registries, services.

The swarm is the one ``scripts/provision --swarm`` starts: a manager and two workers, each an
Engine 20.10 in its own network namespace (docs/swarm-testing.md). When it is not up, the session
brings it up with that script; if that fails, every test here fails, none is skipped.

Services get the test's unique suffix in their name and label and are removed at teardown.
There is no IPVS on this kernel, so every service uses ``endpoint_mode: dnsrr`` and a host-mode
published port; its replicas are kept one per worker (``node.role==worker``, one replica per
node), so that "converged" means "on both workers". A node's published port is reached on the
node's own 127.0.0.1, inside its namespace (``nsenter --net``), never on 10.77.0.x from here.
"""

from __future__ import annotations

import contextlib
import io
import random
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import docker
import docker.errors
import docker.types
import pytest

from dockyard.engine import (
    Engine,
    NodeInspect,
    ServiceInspect,
    TaskInspect,
    inspect_service,
    list_nodes,
    list_tasks,
    swarm_info,
)
from tests.conftest import DEFAULT_SOCKET, ENV_FILE, TestEnv, wait_until

ROOT = Path(__file__).parents[3]
PROVISION = ROOT / "scripts" / "provision"
REPLICAS = 2  # one per worker
# UpdateStatus states the manager leaves alone until the next update
_SETTLED = frozenset({"completed", "paused", "rollback_completed", "rollback_paused"})
_T = TypeVar("_T")

# v1 and v2 serve their version on 8080; "broken" exits 1 at once, so its tasks fail.
_DOCKERFILE = textwrap.dedent(
    """\
    FROM {base}
    LABEL dockyard.test.variant={variant}
    CMD ["sh", "-c", "{command}"]
    """
)
_COMMANDS = {
    "v1": "echo v1 > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "v2": "echo v2 > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "private": "echo private > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "unpulled": "echo unpulled > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "broken": "echo broken; exit 1",
}


@dataclass(frozen=True)
class Swarm:
    """The test swarm, as its manager answers for it."""

    manager: Engine
    manager_host: str
    worker_hosts: tuple[str, ...]
    netns: dict[str, str]  # node hostname -> its network namespace

    def workers(self) -> list[NodeInspect]:
        return [n for n in list_nodes(self.manager) if n.role == "worker"]

    def _in(self, hostname: str) -> list[str]:
        return ["nsenter", f"--net={self.netns[hostname]}"]

    @staticmethod
    def _url(port: int) -> str:
        return f"http://127.0.0.1:{port}/"

    def fetch(self, hostname: str, port: int) -> str:
        """GET / on ``port`` of the node ``hostname``, on its own 127.0.0.1; "" when nothing
        answers (yet)."""
        result = subprocess.run(
            [*self._in(hostname), "curl", "-sf", "-m", "2", self._url(port)],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return result.stdout.strip() if result.returncode == 0 else ""


def _swarm_facts() -> tuple[dict[str, str], str]:
    """The env file's swarm lines, and what is wrong with the swarm ("" when it is usable)."""
    if not ENV_FILE.is_file():
        return {}, f"{ENV_FILE} is missing"
    values = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    host = values.get("DOCKYARD_TEST_SWARM_MANAGER", "")
    if not host:
        return values, "the test env names no swarm manager"
    try:
        with Engine(base_url=host, timeout=10) as engine:
            info = swarm_info(engine)
            ready = [n for n in list_nodes(engine) if n.ready] if info.is_manager else []
    except Exception as exc:  # any failure means: not usable, provision it
        return values, f"the manager at {host} does not answer as one ({exc})"
    if not info.is_manager:
        return values, f"the engine at {host} is not a swarm manager ({info.local_node_state})"
    if len(ready) != 3:
        return values, f"the swarm has {len(ready)} ready nodes, not 3"
    return values, ""


@pytest.fixture(scope="session")
def swarm(test_env: TestEnv) -> Iterator[Swarm]:
    values, problem = _swarm_facts()
    if problem:
        run = subprocess.run(
            [str(PROVISION), "--swarm"], capture_output=True, text=True, timeout=300, check=False
        )
        values, problem = _swarm_facts()
        if run.returncode != 0 or problem:
            tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
            pytest.fail(
                f"no usable test swarm ({problem or 'provision failed'}); "
                f"scripts/provision --swarm exited {run.returncode}:\n{tail}"
            )
    netns = dict(
        pair.split("=", 1) for pair in values["DOCKYARD_TEST_SWARM_NETNS"].split(",") if pair
    )
    engine = Engine(base_url=values["DOCKYARD_TEST_SWARM_MANAGER"])
    yield Swarm(
        manager=engine,
        manager_host=values["DOCKYARD_TEST_SWARM_MANAGER"],
        worker_hosts=tuple(values["DOCKYARD_TEST_SWARM_WORKERS"].split(",")),
        netns=netns,
    )
    engine.close()


@pytest.fixture(scope="session")
def manager_client(swarm: Swarm) -> Iterator[docker.DockerClient]:
    """A docker SDK client of the manager, for setting services up and tearing them down."""
    client = docker.DockerClient(base_url=swarm.manager_host, version="auto")
    yield client
    client.close()


@dataclass(frozen=True)
class SwarmImages:
    """The test variants, pushed to the real registries and named by digest."""

    v1: str
    v2: str
    broken: str
    private: str  # in the registry with basic auth
    unpulled: str  # another one there, which no test pulls with credentials
    auth: dict[str, str]  # the credentials of that registry


def _build_and_push(
    client: docker.DockerClient, base: str, repository: str, variant: str, auth: Any = None
) -> str:
    dockerfile = _DOCKERFILE.format(base=base, variant=variant, command=_COMMANDS[variant])
    image, _ = client.images.build(
        fileobj=io.BytesIO(dockerfile.encode()), tag=f"{repository}:{variant}", rm=True
    )
    for line in client.api.push(
        repository, tag=variant, stream=True, decode=True, auth_config=auth
    ):
        if "error" in line:
            pytest.fail(f"pushing {repository}:{variant}: {line['error']}")
    image.reload()
    digests = [d for d in image.attrs["RepoDigests"] if d.startswith(f"{repository}@")]
    assert digests, f"no digest for {repository}:{variant} after the push"
    return str(digests[0])


@pytest.fixture(scope="session")
def host_client(test_env: TestEnv) -> Iterator[docker.DockerClient]:
    """The host's Engine 20.10, the engine the swarm's nodes run, whichever engine the rest of
    the session is on (DOCKYARD_TEST_ENGINE)."""
    try:
        client = docker.DockerClient(base_url=DEFAULT_SOCKET, version="auto")
        client.ping()
    except docker.errors.DockerException as exc:
        pytest.fail(f"no engine answers at {DEFAULT_SOCKET} ({exc}): run scripts/provision")
    yield client
    client.close()


@pytest.fixture(scope="session")
def swarm_images(
    test_env: TestEnv, host_client: docker.DockerClient, swarm: Swarm
) -> Iterator[SwarmImages]:
    """Built on the host's engine, pushed to the host's registries; every node pulls them from
    its own 127.0.0.1, whose registries serve the same storage."""
    docker_client = host_client
    suffix = random.randbytes(5).hex()
    repository = f"{test_env.registry}/dockyard-swarm-{suffix}"
    private_repository = f"{test_env.auth_registry}/dockyard-swarm-{suffix}"
    auth = {"username": test_env.auth_user, "password": test_env.auth_password}
    built = {
        variant: _build_and_push(docker_client, test_env.busybox, repository, variant)
        for variant in ("v1", "v2", "broken")
    }
    private = {
        variant: _build_and_push(docker_client, test_env.busybox, private_repository, variant, auth)
        for variant in ("private", "unpulled")
    }
    yield SwarmImages(
        v1=built["v1"],
        v2=built["v2"],
        broken=built["broken"],
        private=private["private"],
        unpulled=private["unpulled"],
        auth=auth,
    )
    references = [f"{repository}:{v}" for v in built] + [
        f"{private_repository}:{v}" for v in private
    ]
    for reference in references:
        with contextlib.suppress(docker.errors.APIError):
            docker_client.images.remove(reference)


@dataclass
class ServiceFactory:
    swarm: Swarm
    client: docker.DockerClient
    unique: str
    created: list[str]

    def create(self, image: str, *, port: int | None = None) -> tuple[str, int]:
        """A replicated service of ``image``, one task on each worker, a host-mode port;
        returns its name and published port once both replicas run ``image``."""
        name = f"dockyard-swarm-{self.unique}-{len(self.created)}"
        port = port or random.randint(20000, 29999)
        self.client.api.create_service(
            docker.types.TaskTemplate(
                container_spec=docker.types.ContainerSpec(image, stop_grace_period=10**9),
                placement=docker.types.Placement(constraints=["node.role==worker"], maxreplicas=1),
                restart_policy=docker.types.RestartPolicy(condition="on-failure", delay=10**9),
            ),
            name=name,
            labels={"dockyard.test": self.unique},
            mode=docker.types.ServiceMode("replicated", replicas=REPLICAS),
            update_config=docker.types.UpdateConfig(
                parallelism=1,
                delay=0,
                failure_action="rollback",
                monitor=3 * 10**9,
                max_failure_ratio=0,
                order="stop-first",
            ),
            rollback_config=docker.types.RollbackConfig(
                parallelism=0, monitor=2 * 10**9, failure_action="pause", order="stop-first"
            ),
            endpoint_spec=docker.types.EndpointSpec(
                mode="dnsrr", ports={port: (8080, "tcp", "host")}
            ),
        )
        self.created.append(name)
        converged(self.swarm, name, image, timeout=60)
        return name, port


@pytest.fixture
def services(
    swarm: Swarm, manager_client: docker.DockerClient, unique: str
) -> Iterator[ServiceFactory]:
    factory = ServiceFactory(swarm, manager_client, unique, [])
    yield factory
    for name in factory.created:
        with contextlib.suppress(docker.errors.NotFound):
            manager_client.api.remove_service(name)


def running_on_workers(swarm: Swarm, service: str, image: str) -> list[TaskInspect] | None:
    """The service's wanted tasks when there are exactly REPLICAS, all running ``image``, on
    distinct workers; else None."""
    tasks = [t for t in list_tasks(swarm.manager, service=service) if t.wanted]
    workers = {n.id for n in swarm.workers()}
    if len(tasks) != REPLICAS or not all(t.running and t.image == image for t in tasks):
        return None
    if {t.node_id for t in tasks} != workers:
        return None
    return tasks


def converged(
    swarm: Swarm,
    service: str,
    image: str,
    *,
    state: str | None = None,
    since: datetime | None = None,
    timeout: float = 90,
) -> ServiceInspect:
    """Wait until ``service`` runs ``image`` on both workers and, when ``state`` is given, the
    UpdateStatus of an update started after ``since`` has reached that state; fail at once when
    that update settles in another state. The service's inspect then."""

    def check() -> ServiceInspect | None:
        current = inspect_service(swarm.manager, service=service)
        status = current.update_status
        if state is not None:
            if status is None or (since and (status.started_at or since) < since):
                return None  # the update has not started yet
            if status.state != state:
                if status.state in _SETTLED:  # it will never get there
                    pytest.fail(
                        f"service {service}: UpdateStatus ended {status.state} "
                        f"({status.message}), not {state}"
                    )
                return None
        return current if running_on_workers(swarm, service, image) else None

    what = f"service {service} on {image} on both workers"
    return wait_until(
        check, timeout=timeout, what=what + (f", UpdateStatus {state}" if state else "")
    )
