"""Shared fixtures. Integration tests use the real engine and registries that scripts/provision
started; when they are missing the run fails, it never skips.

One switch picks the engine the integration suite runs on: ``DOCKYARD_TEST_ENGINE`` (or
``--engine``), ``20.10`` (Debian 12's engine, classic overlay2 store, the default) or ``28``
(Engine 28 with the containerd image store, started by ``scripts/provision --engine28``). The
session points ``DOCKER_HOST`` at it before any test runs, so every SDK client and every dockyard
subprocess talks to that engine, and the report header names it."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import docker
import docker.errors
import httpx
import pytest

ENV_FILE = Path(os.environ.get("DOCKYARD_TEST_ENV", "/tmp/dockyard-test.env"))
DEFAULT_SOCKET = "unix:///var/run/docker.sock"
ENGINES = ("20.10", "28")
CONTAINERD_STORE = "io.containerd.snapshotter.v1"


_T = TypeVar("_T")


def wait_until(
    condition: Callable[[], _T | None], *, timeout: float, what: str, interval: float = 0.25
) -> _T:
    """Poll ``condition`` until it returns something true, and return that; fail, saying
    ``what``, after ``timeout`` seconds. The tests' one bounded condition loop (no blind sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


@dataclass(frozen=True)
class TestEnv:
    __test__ = False  # a fixture's value, not a test class

    registry: str
    auth_registry: str
    auth_user: str
    auth_password: str
    busybox: str
    debian: str
    python: str
    podman_host: str
    engine28_host: str  # empty when scripts/provision ran without --engine28


def load_test_env() -> TestEnv:
    """The facts scripts/provision wrote; pytest.fail (never a skip) when they are missing."""
    if not ENV_FILE.is_file():
        pytest.fail(f"{ENV_FILE} is missing: run scripts/provision (scripts/test does) first")
    values = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    return TestEnv(
        registry=values["DOCKYARD_TEST_REGISTRY"],
        auth_registry=values["DOCKYARD_TEST_AUTH_REGISTRY"],
        auth_user=values["DOCKYARD_TEST_AUTH_USER"],
        auth_password=Path(values["DOCKYARD_TEST_AUTH_PASS_FILE"]).read_text().strip(),
        busybox=values["DOCKYARD_TEST_BUSYBOX"],
        debian=values["DOCKYARD_TEST_DEBIAN"],
        python=values["DOCKYARD_TEST_PYTHON"],
        podman_host=values["DOCKYARD_TEST_PODMAN_HOST"],
        engine28_host=values.get("DOCKYARD_TEST_ENGINE28_HOST", ""),
    )


@dataclass(frozen=True)
class EngineUnderTest:
    """The engine the integration suite runs on, as the switch named it and as it answered."""

    name: str  # "20.10" or "28": what DOCKYARD_TEST_ENGINE / --engine asked for
    host: str  # its DOCKER_HOST
    version: str = ""
    api_version: str = ""
    storage: str = ""  # the storage driver, and the image store on the containerd snapshotter
    problem: str = ""  # why this engine cannot run the suite; empty when it can

    @property
    def containerd_store(self) -> bool:
        """Images live in containerd (an image's id is its manifest's digest, not its config's)."""
        return CONTAINERD_STORE in self.storage

    @property
    def socket_path(self) -> str:
        """The engine's socket on this machine, for containers that get it mounted."""
        return self.host.removeprefix("unix://")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=ENGINES,
        default=None,
        help="the Docker engine the integration tests run on (default: $DOCKYARD_TEST_ENGINE, "
        "else 20.10)",
    )


def _engine_name(config: pytest.Config) -> str:
    name = config.getoption("--engine") or os.environ.get("DOCKYARD_TEST_ENGINE") or "20.10"
    if name not in ENGINES:
        raise pytest.UsageError(
            f"DOCKYARD_TEST_ENGINE={name!r}: choose one of {', '.join(ENGINES)}"
        )
    return str(name)


def _probe(name: str) -> EngineUnderTest:
    """Ask the engine the switch names who it is; say what is wrong instead of raising."""
    if name == "28":
        if not ENV_FILE.is_file():
            return EngineUnderTest(
                name, "", problem=f"{ENV_FILE} is missing: run scripts/provision --engine28"
            )
        host = load_test_env().engine28_host
        if not host:
            return EngineUnderTest(
                name, "", problem="engine 28 is not running: run scripts/provision --engine28"
            )
    else:
        host = DEFAULT_SOCKET
    try:
        with contextlib.closing(
            docker.DockerClient(base_url=host, version="auto", timeout=10)
        ) as client:
            version = client.version()
            info = client.info()
    except docker.errors.DockerException as exc:
        return EngineUnderTest(
            name, host, problem=f"no engine answers at {host} ({exc}): run scripts/provision"
        )
    driver_status = {str(key): str(value) for key, value in info.get("DriverStatus") or []}
    containerd = driver_status.get("driver-type") == CONTAINERD_STORE
    engine = EngineUnderTest(
        name,
        host,
        version=str(version.get("Version", "")),
        api_version=str(version.get("ApiVersion", "")),
        storage=f"{info.get('Driver', '')}" + (f" ({CONTAINERD_STORE})" if containerd else ""),
    )
    problem = ""
    if not engine.version.startswith(f"{name}."):
        problem = f"the engine at {host} is Docker {engine.version}, not {name}.x"
    elif name == "28" and not containerd:
        problem = (
            f"engine 28 at {host} uses the classic image store, not the containerd snapshotter"
        )
    elif name == "20.10" and containerd:
        problem = f"engine 20.10 at {host} uses the containerd snapshotter, not the classic store"
    if problem:
        return EngineUnderTest(
            name, host, engine.version, engine.api_version, engine.storage, problem
        )
    return engine


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_ENGINE] = _probe(_engine_name(config))


def pytest_report_header(config: pytest.Config) -> str:
    return _engine_line(config)


def pytest_sessionstart(session: pytest.Session) -> None:
    """The engine line even under -q (pyproject's addopts), where pytest prints no header."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not reporter.showheader:
        reporter.write_line(_engine_line(session.config))


def _engine_line(config: pytest.Config) -> str:
    engine = config.stash[_ENGINE]
    if engine.problem:
        return f"engine {engine.name}: NOT USABLE: {engine.problem}"
    return (
        f"engine {engine.name}: Docker {engine.version}, API {engine.api_version}, "
        f"storage {engine.storage}, DOCKER_HOST={engine.host}"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    integration = False
    for item in items:
        if "tests/integration/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)
            integration = True
    if not integration:
        return  # unit tests never talk to an engine, so they run without one
    engine = config.stash[_ENGINE]
    if engine.problem:
        pytest.exit(
            f"engine {engine.name}: {engine.problem}", returncode=pytest.ExitCode.TESTS_FAILED
        )
    os.environ["DOCKER_HOST"] = engine.host


_ENGINE = pytest.StashKey[EngineUnderTest]()


@pytest.fixture(scope="session")
def engine(pytestconfig: pytest.Config) -> EngineUnderTest:
    """The engine this session runs on (DOCKER_HOST already points at it)."""
    return pytestconfig.stash[_ENGINE]


@pytest.fixture(scope="session")
def test_env() -> TestEnv:
    env = load_test_env()
    for host in (env.registry, env.auth_registry):
        try:
            httpx.get(f"http://{host}/v2/", timeout=5)
        except httpx.HTTPError as exc:
            pytest.fail(f"registry {host} is not answering ({exc}): run scripts/provision")
    return env


@pytest.fixture(scope="session")
def docker_client(test_env: TestEnv) -> Iterator[docker.DockerClient]:
    try:
        client = docker.from_env(version="auto")
        client.ping()
    except docker.errors.DockerException as exc:
        pytest.fail(f"no Docker engine answers ({exc}): run scripts/provision")
    yield client
    client.close()


@pytest.fixture
def unique() -> str:
    """A short random suffix so tests never collide on names, tags or repositories."""
    return uuid.uuid4().hex[:10]
