"""Each sample project, as `dockyard init` leaves it, built for real on the engine and run.

The generated Dockerfiles name public bases (python:3.12-slim, node:22-slim, golang, busybox);
nothing can be pulled here, so the build passes local images of the same shape through the
Dockerfiles' own ``ARG``s, as a user building behind a mirror would (scripts/provision makes
them). Runs are offline (``--network none``): the app answers its own HEALTHCHECK, or prints its
version.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parents[2] / "data" / "scaffold"
DOCKER = "/usr/bin/docker"  # Debian's client: BuildKit builds without the buildx plugin
BUILD_ARGS = {
    "python-pyproject": {"BASE_IMAGE": "local/python:3.11-offline"},
    "python-requirements": {"BASE_IMAGE": "local/python:3.11-offline"},
    "node": {"BASE_IMAGE": "local/node:bookworm"},
    "node-build": {"BASE_IMAGE": "local/node:bookworm"},
    "go": {"BUILD_IMAGE": "local/golang:bookworm"},
    "static": {"BASE_IMAGE": "local/busybox:1"},
}
# What answers inside the running container: argv that prints the app's page.
PY_GET = "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8000/').read().decode())"
NODE_GET = "fetch('http://127.0.0.1:3000/').then((r) => r.text()).then(console.log)"
FETCH = {
    "python-pyproject": ["python", "-c", PY_GET],
    "python-requirements": ["python", "-c", PY_GET],
    "node": ["node", "-e", NODE_GET],
    "node-build": ["node", "-e", NODE_GET],
    "static": ["wget", "-q", "-O", "-", "http://127.0.0.1:8080/"],
}
ANSWER = {
    "python-pyproject": "sample-py 1.0.0",
    "python-requirements": "sample-requirements 1.0.0",
    "node": "sample-node 1.0.0",
    "node-build": "sample-node-build 1.0.0",
    "static": "<h1>sample-static 1.0.0</h1>",
}


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    done = subprocess.run([DOCKER, *args], capture_output=True, text=True, env=env, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {done.stderr[-3000:]}")
    return done


def dockyard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockyard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def inspect(kind: str, name: str) -> dict[str, object]:
    data: list[dict[str, object]] = json.loads(docker(kind, "inspect", name).stdout)
    return data[0]


def wait_for_health(container: str, *, timeout: float = 90.0) -> str:
    """The container's health once it is no longer "starting" (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        state = inspect("container", container)["State"]
        assert isinstance(state, dict)
        status = str(state["Health"]["Status"]) if state.get("Running") else "exited"
        if status != "starting" or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


@dataclass(frozen=True)
class Built:
    sample: str
    directory: Path
    image: str
    init: subprocess.CompletedProcess[str]


class Builds:
    """Each sample built once per module: copied, `dockyard init` run in it, then built."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.done: dict[str, Built] = {}

    def __call__(self, sample: str) -> Built:
        if sample not in self.done:
            self.done[sample] = self._build(sample)
        return self.done[sample]

    def _build(self, sample: str) -> Built:
        for base in BUILD_ARGS[sample].values():
            if docker("image", "inspect", base, check=False).returncode != 0:
                pytest.fail(f"base image {base} is missing: run scripts/provision")
        directory = self.root / sample
        shutil.copytree(SAMPLES / sample, directory)
        init = dockyard("init", "--ci", "github", "--compose", cwd=directory)
        assert init.returncode == 0, init.stderr
        image = f"dockyard-init-test/{sample}:{uuid.uuid4().hex[:10]}"
        args = [f"--build-arg={key}={value}" for key, value in BUILD_ARGS[sample].items()]
        docker("build", "-q", "-t", image, *args, str(directory))
        return Built(sample, directory, image, init)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, test_env: object) -> Iterator[Builds]:
    made = Builds(tmp_path_factory.mktemp("init"))
    yield made
    for built in made.done.values():
        docker("image", "rm", "-f", built.image, check=False)


ALL = sorted(BUILD_ARGS)
SERVERS = sorted(FETCH)


@pytest.mark.parametrize("sample", ALL)
def test_init_says_what_it_found_and_wrote(builds: Builds, sample: str) -> None:
    built = builds(sample)
    assert built.init.stderr.startswith("detected: ")
    assert built.init.stdout.splitlines() == [
        "wrote Dockerfile",
        "wrote .dockerignore",
        "wrote .github/workflows/docker.yml",
        "wrote compose.yaml",
    ]


@pytest.mark.parametrize("sample", ALL)
def test_dockyard_lint_reports_nothing_on_the_generated_dockerfile(
    builds: Builds, sample: str
) -> None:
    done = dockyard("lint", "Dockerfile", cwd=builds(sample).directory)
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize("sample", ALL)
def test_image_runs_as_a_numeric_non_root_user(builds: Builds, sample: str) -> None:
    config = inspect("image", builds(sample).image)["Config"]
    assert isinstance(config, dict)
    assert config["User"] == "10001:10001"


@pytest.mark.parametrize("sample", SERVERS)
def test_smoke_run_answers_its_healthcheck_offline_as_non_root(builds: Builds, sample: str) -> None:
    image = builds(sample).image
    container = docker(
        "run", "-d", "--network", "none", "--health-interval", "1s", image
    ).stdout.strip()
    try:
        assert wait_for_health(container) == "healthy", docker("logs", container).stderr
        assert docker("exec", container, "id", "-u").stdout == "10001\n"
        assert ANSWER[sample] in docker("exec", container, *FETCH[sample]).stdout
    finally:
        docker("rm", "-f", container, check=False)


def test_go_binary_runs_on_scratch_offline_and_prints_its_version(builds: Builds) -> None:
    done = docker("run", "--rm", "--network", "none", builds("go").image, "-version")
    assert done.stdout == "sample-go 1.0.0\n"


def test_go_image_is_under_2_mb(builds: Builds) -> None:
    size = inspect("image", builds("go").image)["Size"]
    assert isinstance(size, int)
    assert size < 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("sample", "absent"),
    [
        ("python-pyproject", ["/opt/venv/bin/pip", "/src", "/root/.cache/pip"]),
        ("python-requirements", ["/opt/venv/bin/pip", "/root/.cache/pip"]),
        ("node-build", ["/app/src", "/app/build.js", "/root/.npm"]),
        ("node", ["/root/.npm"]),
    ],
)
def test_build_leftovers_stay_out_of_the_final_image(
    builds: Builds, sample: str, absent: list[str]
) -> None:
    checks = " && ".join(f"test ! -e {path}" for path in absent)
    image = builds(sample).image
    done = docker(
        "run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", checks, check=False
    )
    assert done.returncode == 0, f"{image} still has one of {absent}"
    listed = docker(
        "run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", "echo ok"
    )
    assert listed.stdout == "ok\n"  # the check above ran in a shell that works
