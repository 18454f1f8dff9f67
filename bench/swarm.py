"""`dockyard watch` on Swarm services, side by side with `docker service update` run by hand.

On the test swarm of ``scripts/provision --swarm`` (a manager and two workers, Engine 20.10, each
in its own network namespace), in one run:

- an unchanged cycle over ``--services`` services following ten tags: wall time of the
  watcher's cycle (the daemon's, start-up excluded) and registry requests (HEADs per tag);
- a new digest pushed -> every replica running it: dockyard's cycle (check, update, wait for
  convergence) against ``docker service update --image repo:tag@digest`` (which waits for
  convergence too), the two taking turns on services of the same shape;
- images whose tasks exit at once: how many of them end with the service back on its image.

Prints a table, writes ``bench/out/swarm.json``; ``--write-docs`` rewrites the swarm section of
``docs/benchmarks.md``.

    .venv/bin/python -P bench/swarm.py [--services 50] [--rounds 3] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import docker.types

from dockyard.engine import Engine, list_tasks
from dockyard.update import (
    Backoff,
    EngineServices,
    RegistryDigestSource,
    RemoteDigest,
    Selection,
    ServiceSettings,
    ServiceUpdater,
    Status,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench/out/swarm.json"
BENCHMARKS_DOC = ROOT / "docs/benchmarks.md"
SECTION = "## swarm: `dockyard watch` on Swarm services vs `docker service update`"
COMMAND = ".venv/bin/python -P bench/swarm.py --write-docs"
ENV_FILE = Path(os.environ.get("DOCKYARD_TEST_ENV", "/tmp/dockyard-test.env"))
REGISTRY = "127.0.0.1:5000"
BASE = "local/busybox:1"
TAGS = 10
DOCKER_CLI = ["docker"]
_DOCKERFILE = 'FROM {base}\nLABEL bench={variant}\nCMD ["sh", "-c", "{command}"]\n'
_COMMANDS = {"ok": "exec sleep 100000", "broken": "echo broken; exit 1"}


class CountingSource:
    """The real registry client, counting the requests a cycle makes."""

    def __init__(self, inner: RegistryDigestSource) -> None:
        self.inner = inner
        self.heads = 0
        self._lock = threading.Lock()

    def remote_digest(self, ref: str) -> RemoteDigest:
        with self._lock:
            self.heads += 1
        return self.inner.remote_digest(ref)


def env_values() -> dict[str, str]:
    lines = ENV_FILE.read_text().splitlines() if ENV_FILE.is_file() else []
    return dict(line.split("=", 1) for line in lines if "=" in line)


def provision_swarm() -> str:
    subprocess.run([str(ROOT / "scripts/provision"), "--swarm"], check=True, capture_output=True)
    manager = env_values().get("DOCKYARD_TEST_SWARM_MANAGER")
    if not manager:
        sys.exit("bench/swarm.py: scripts/provision --swarm named no manager")
    return manager


class Bench:
    def __init__(self, *, manager: str, services: int, rounds: int) -> None:
        self.manager_host = manager
        self.count = services
        self.rounds = rounds
        self.suffix = random.randbytes(4).hex()
        self.repository = f"{REGISTRY}/dockyard-bench-swarm-{self.suffix}"
        self.host = docker.DockerClient(base_url="unix:///var/run/docker.sock", version="auto")
        self.client = docker.DockerClient(base_url=manager, version="auto")
        self.engine = Engine(base_url=manager)
        self.created: list[str] = []
        self.first_digest = ""
        self.results: dict[str, Any] = {"services": services, "tags": TAGS}

    # -- images and services -------------------------------------------------------------------

    def build(self, variant: str, marker: str) -> str:
        text = _DOCKERFILE.format(base=BASE, variant=marker, command=_COMMANDS[variant])
        image, _ = self.host.images.build(fileobj=io.BytesIO(text.encode()), rm=True)
        return str(image.id)

    def push(self, image_id: str, tag: str) -> str:
        self.host.images.get(image_id).tag(self.repository, tag)
        for line in self.host.api.push(self.repository, tag=tag, stream=True, decode=True):
            if "error" in line:
                sys.exit(f"bench/swarm.py: pushing {self.repository}:{tag}: {line['error']}")
        digests = self.host.images.get(image_id).attrs["RepoDigests"]
        return str(next(d for d in digests if d.startswith(self.repository)).partition("@")[2])

    def create(self, name: str, tag: str, digest: str) -> None:
        self.client.api.create_service(
            docker.types.TaskTemplate(
                container_spec=docker.types.ContainerSpec(
                    f"{self.repository}:{tag}@{digest}", stop_grace_period=10**9
                ),
                placement=docker.types.Placement(constraints=["node.role==worker"]),
                restart_policy=docker.types.RestartPolicy(condition="on-failure", delay=10**9),
            ),
            name=name,
            labels={"dockyard.bench": self.suffix},
            mode=docker.types.ServiceMode("replicated", replicas=1),
            update_config=docker.types.UpdateConfig(
                parallelism=1, failure_action="rollback", monitor=2 * 10**9, order="stop-first"
            ),
            endpoint_spec=docker.types.EndpointSpec(mode="dnsrr"),
        )
        self.created.append(name)

    def running(self, name: str, image: str) -> bool:
        tasks = [t for t in list_tasks(self.engine, service=name) if t.wanted]
        return bool(tasks) and all(t.running and t.image == image for t in tasks)

    def wait(self, condition: Callable[[], bool], *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                sys.exit(f"bench/swarm.py: timed out waiting for {what}")
            time.sleep(0.2)

    def updater(self, source: Any, *, names: tuple[str, ...] | None = None) -> ServiceUpdater:
        return ServiceUpdater(
            ops=EngineServices(self.engine),
            source=source,
            backoff=Backoff(),
            selection=Selection(names=names or (f"bench-{self.suffix}-[0-9]+",)),
            monitor_only=False,
            auth_for=lambda _ref: None,
            settings=ServiceSettings(timeout=120, poll=0.2),
        )

    # -- the measurements ----------------------------------------------------------------------

    def setup(self) -> None:
        print(f"building and pushing {TAGS} tags", file=sys.stderr)
        first = self.build("ok", "v0")
        digests = [self.push(first, f"t{i}") for i in range(TAGS)]
        self.first_digest = digests[0]
        print(f"creating {self.count} services", file=sys.stderr)
        for i in range(self.count):
            self.create(f"bench-{self.suffix}-{i:03d}", f"t{i % TAGS}", digests[i % TAGS])
        for i, name in enumerate(self.created):
            image = f"{self.repository}:t{i % TAGS}@{digests[i % TAGS]}"
            self.wait(lambda n=name, m=image: self.running(n, m), timeout=300, what=name)

    def unchanged(self) -> None:
        registry = RegistryDigestSource(environ=os.environ)
        source = CountingSource(registry)
        updater = self.updater(source)
        seconds = []
        for _ in range(self.rounds + 1):  # the first one warms the connections
            source.heads = 0
            started = time.perf_counter()
            results = updater.run()
            seconds.append(time.perf_counter() - started)
            ours = [r for r in results if r.name.startswith(f"bench-{self.suffix}")]
            if any(r.status is not Status.FRESH for r in ours) or len(ours) != self.count:
                sys.exit(f"bench/swarm.py: the unchanged cycle was not all fresh: {ours[:3]}")
        registry.close()
        self.results["unchanged"] = {
            "cycle_seconds": round(statistics.median(seconds[1:]), 3),
            "runs": [round(s, 3) for s in seconds[1:]],
            "registry_heads": source.heads,
        }

    def rollout(self) -> None:
        """One tag per round: a new digest, once by dockyard, once by `docker service update`."""
        registry = RegistryDigestSource(environ=os.environ)
        ours: list[float] = []
        theirs: list[float] = []
        for round_no in range(self.rounds):
            marker = f"r{round_no}"
            new = self.push(self.build("ok", marker), f"t{round_no}")
            name_dy = f"bench-{self.suffix}-d{round_no}"
            name_cli = f"bench-{self.suffix}-c{round_no}"
            old = self.first_digest
            for name in (name_dy, name_cli):
                self.create(name, f"t{round_no}", old)
                image = f"{self.repository}:t{round_no}@{old}"
                self.wait(lambda n=name, m=image: self.running(n, m), timeout=120, what=name)
            target = f"{self.repository}:t{round_no}@{new}"
            started = time.perf_counter()
            [result] = [r for r in self._run_one(registry, name_dy) if r.name == name_dy]
            ours.append(time.perf_counter() - started)
            if result.status is not Status.UPDATED or not self.running(name_dy, target):
                sys.exit(f"bench/swarm.py: dockyard did not update {name_dy}: {result}")
            started = time.perf_counter()
            subprocess.run(
                [
                    *DOCKER_CLI,
                    "-H",
                    self.manager_host,
                    "service",
                    "update",
                    "--quiet",
                    "--image",
                    target,
                    name_cli,
                ],
                check=True,
                capture_output=True,
            )
            theirs.append(time.perf_counter() - started)
            if not self.running(name_cli, target):
                sys.exit(f"bench/swarm.py: docker service update left {name_cli} unconverged")
        registry.close()
        self.results["rollout"] = {
            "dockyard_seconds": round(statistics.median(ours), 3),
            "docker_cli_seconds": round(statistics.median(theirs), 3),
            "dockyard_runs": [round(s, 3) for s in ours],
            "docker_cli_runs": [round(s, 3) for s in theirs],
        }

    def _run_one(self, registry: RegistryDigestSource, name: str) -> list[Any]:
        return self.updater(registry, names=(name,)).run()

    def failing(self) -> None:
        registry = RegistryDigestSource(environ=os.environ)
        back = 0
        tries = self.rounds
        for round_no in range(tries):
            tag = f"f{round_no}"
            good = self.push(self.build("ok", f"good{round_no}"), tag)
            name = f"bench-{self.suffix}-f{round_no}"
            self.create(name, tag, good)
            image = f"{self.repository}:{tag}@{good}"
            self.wait(lambda n=name, m=image: self.running(n, m), timeout=120, what=name)
            self.push(self.build("broken", f"broken{round_no}"), tag)
            [result] = [r for r in self._run_one(registry, name) if r.name == name]
            if result.status is Status.ROLLED_BACK and self.running(name, image):
                back += 1
        registry.close()
        self.results["failing"] = {"tries": tries, "rolled_back": back}

    def cleanup(self) -> None:
        for name in self.created:
            with contextlib.suppress(docker.errors.APIError):
                self.client.api.remove_service(name)
        self.host.close()
        self.client.close()
        self.engine.close()


def render(results: dict[str, Any]) -> str:
    unchanged, rollout, failing = results["unchanged"], results["rollout"], results["failing"]
    ratio = rollout["dockyard_seconds"] / rollout["docker_cli_seconds"]
    rows = [
        "| measure | `docker service update` by hand | dockyard | target |",
        "| --- | --- | --- | --- |",
        f"| unchanged cycle, {results['services']} services on {results['tags']} tags: the "
        f"watcher's service pass, in the daemon (s, median) | - | {unchanged['cycle_seconds']} "
        "| < 0.5 |",
        f"| registry requests in that cycle | - | {unchanged['registry_heads']} HEAD | "
        f"one per tag ({results['tags']}) |",
        f"| new digest -> every replica on it (s, median) | {rollout['docker_cli_seconds']} | "
        f"{rollout['dockyard_seconds']} ({ratio:.2f}x) | <= 1.2x |",
        f"| images whose tasks fail, rolled back | - | {failing['rolled_back']} of "
        f"{failing['tries']} | all |",
    ]
    return "\n".join(rows)


def write_docs(results: dict[str, Any]) -> None:
    text = BENCHMARKS_DOC.read_text()
    body = (
        f"{SECTION}\n\n"
        f"`{COMMAND}` on the test swarm of `scripts/provision --swarm` (a manager and two "
        "workers, Engine 20.10, one network namespace each); one replica per service, "
        "`stop-first`, a 2 s monitor window, the same shape for both sides. "
        "`docker service update` is given the tag pinned by digest, as dockyard resolves it, and "
        "waits for convergence as dockyard does; dockyard's time includes its registry check.\n\n"
        f"{render(results)}\n"
    )
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[end:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    BENCHMARKS_DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    bench = Bench(manager=provision_swarm(), services=args.services, rounds=args.rounds)
    try:
        bench.setup()
        bench.unchanged()
        bench.rollout()
        bench.failing()
    finally:
        bench.cleanup()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(bench.results, indent=2) + "\n")
    print(render(bench.results))
    if args.write_docs:
        write_docs(bench.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
