"""Benchmark: ``dockyard build --push`` vs ``git clone --depth 1 && docker build && docker push``.

Same engine, same registry, in one run, two repositories, alternating which side goes first:

- ``tiny``: a few small files and a few-second build (24 MB of random data, a ``RUN --mount``
  step, a COPY of 40 small files). Kept because it is honest about dockyard's fixed cost.
- ``service``: what dockyard's users build: a service repository with 40 commits of history and
  about 16 MB of files (Python sources, 12 MB of binary assets, a 1.5 MB npm lock file and a
  hashed requirements lock), and a Dockerfile that installs Debian packages with apt over http
  (host networking, from ``local/debian:bookworm``), copies the tree and byte-compiles it.

Cases, for each repository:

- cold: a build argument read by the first RUN (``BUST``) gets a new value for every run, so no
  RUN step is cached on either side, and each run pushes to a repository of its own, so every
  layer of the build is uploaded (the base image layer is mounted from an earlier push, on both
  sides alike). The base image is local on both sides.
- unchanged: the same commit with the same arguments again, after one first push. dockyard asks
  ``git ls-remote`` and the registry and stops. The shell sequence is measured twice:
  *warm cache* (same machine: the engine's build cache has every step, so it clones, sends the
  context, finds every step cached and pushes layers that "already exist") and *fresh runner*
  (``docker build --no-cache``: what a CI job on a new runner without a cache does, rebuilding
  every step and pushing the new layers). dockyard needs no build cache for its answer, so the
  same dockyard runs stand against both.

Both sides tag three tags (branch, ``sha-<7>``, ``latest``), as metadata-action would, and push
all of them. The shell side uses Debian's docker 20.10 client with ``DOCKER_BUILDKIT=1``.

Run:  .venv/bin/python -P bench/build.py [--scenarios tiny,service] [--cold 3] [--unchanged 5]
                                      [--fresh 3] [--registry 127.0.0.1:5000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKYARD = str(ROOT / ".venv" / "bin" / "dockyard")
DOCKER = "/usr/bin/docker"
OUT = ROOT / "bench" / "out" / "build.json"

TINY_DOCKERFILE = """\
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}
ARG BUST=none
RUN echo "$BUST" > /bust && mkdir -p /srv/data \\
    && dd if=/dev/urandom of=/srv/data/blob bs=1M count=24 status=none
RUN --mount=type=cache,target=/var/cache/bench \\
    for i in $(seq 1 200); do echo "line $i $BUST" >> /srv/data/lines.txt; done
COPY app/ /srv/app/
RUN find /srv -type f | sort > /srv/manifest.txt
CMD ["cat", "/srv/manifest.txt"]
"""

SERVICE_DOCKERFILE = """\
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}
ARG BUST=none
RUN echo "$BUST" > /etc/build-id \\
    && apt-get update -q \\
    && apt-get install -y -q --no-install-recommends \\
        python3 python3-yaml python3-jinja2 python3-requests ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/service
COPY requirements.lock package-lock.json ./
COPY assets/ ./assets/
COPY src/ ./src/
RUN python3 -m compileall -q src && find /srv/service -type f | wc -l > /srv/file-count
ENV PYTHONPATH=/srv/service/src
USER 65534
CMD ["python3", "-m", "service"]
"""


@dataclass(frozen=True)
class Scenario:
    name: str
    make: Callable[[Path], str]
    network: str | None
    what: str


@dataclass
class Timings:
    cold: dict[str, list[float]] = field(default_factory=lambda: {"dockyard": [], "shell": []})
    unchanged: dict[str, list[float]] = field(
        default_factory=lambda: {"dockyard": [], "shell_warm_cache": [], "shell_no_cache": []}
    )


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout.strip()


def make_tiny(path: Path) -> str:
    (path / "app").mkdir(parents=True)
    (path / "Dockerfile").write_text(TINY_DOCKERFILE)
    for index in range(40):
        (path / "app" / f"module_{index}.py").write_text(f"VALUE = {index}\n" * 200)
    _git(path, "init", "-q", "-b", "main")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "bench app")
    return _git(path, "rev-parse", "HEAD")


def _source_module(rng: random.Random, index: int, revision: int) -> str:
    lines = [f'"""Service module {index} (revision {revision})."""', "", "import json", ""]
    for fn in range(40):
        words = " ".join(rng.choice(("order", "user", "cart", "price", "stock")) for _ in range(6))
        lines += [
            f"def handler_{fn}(payload: dict) -> str:",
            f'    """Handle {words}."""',
            f"    data = {{'id': {index * 100 + fn}, 'rev': {revision}, **payload}}",
            "    return json.dumps(data, sort_keys=True)",
            "",
        ]
    return "\n".join(lines) + "\n"


def _package_lock(rng: random.Random) -> str:
    packages = {}
    for index in range(2500):
        name = f"node_modules/pkg-{index:04d}"
        packages[name] = {
            "version": f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
            "resolved": f"https://registry.npmjs.org/pkg-{index:04d}/-/pkg-{index:04d}.tgz",
            "integrity": "sha512-" + rng.randbytes(48).hex(),
            "dependencies": {f"pkg-{rng.randint(0, 2499):04d}": "^1.0.0" for _ in range(3)},
        }
    return json.dumps({"name": "service", "lockfileVersion": 3, "packages": packages}, indent=2)


def make_service(path: Path) -> str:
    """A service repository: sources, binary assets, lock files, 40 commits of history."""
    rng = random.Random(20261122)  # deterministic test data
    source = path / "src" / "service"
    assets = path / "assets"
    source.mkdir(parents=True)
    assets.mkdir()
    (path / "Dockerfile").write_text(SERVICE_DOCKERFILE)
    (source / "__init__.py").write_text("")
    (source / "__main__.py").write_text("print('service up')\n")
    for index in range(120):
        (source / f"module_{index:03d}.py").write_text(_source_module(rng, index, 0))
    for index in range(12):
        (assets / f"image_{index:02d}.bin").write_bytes(rng.randbytes(1024 * 1024))
    (path / "package-lock.json").write_text(_package_lock(rng))
    requirements = "".join(
        f"package-{i}=={rng.randint(1, 9)}.{rng.randint(0, 20)} "
        f"--hash=sha256:{rng.randbytes(32).hex()}\n"
        for i in range(300)
    )
    (path / "requirements.lock").write_text(requirements)
    (path / "README.md").write_text("# service\n\nA sample service for the build benchmark.\n")
    _git(path, "init", "-q", "-b", "main")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "initial import")
    for revision in range(1, 40):
        for index in rng.sample(range(120), 5):
            (source / f"module_{index:03d}.py").write_text(_source_module(rng, index, revision))
        asset = assets / f"image_{rng.randrange(12):02d}.bin"
        asset.write_bytes(rng.randbytes(1024 * 1024))
        _git(path, "add", "-A")
        _git(path, "commit", "-q", "-m", f"change {revision}")
    return _git(path, "rev-parse", "HEAD")


SCENARIOS = {
    "tiny": Scenario("tiny", make_tiny, None, "tiny repository, few-second build"),
    "service": Scenario(
        "service", make_service, "host", "service repository, apt install, ~16 MB of files"
    ),
}


def run_dockyard(
    repo: Path, image: str, bust: str, base: str, network: str | None
) -> tuple[float, dict[str, object]]:
    command = [
        DOCKYARD, "build", repo.as_uri(), "--image", image, "--push", "--json",
        "--build-arg", f"BUST={bust}", "--build-arg", f"BASE_IMAGE={base}",
    ]  # fmt: skip
    if network:
        command += ["--network", network]
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, "CI": "true"}
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"dockyard failed: {done.stderr[-2000:]}")
    result: dict[str, object] = json.loads(done.stdout)
    return elapsed, result


def run_shell(
    repo: Path,
    image: str,
    bust: str,
    base: str,
    revision: str,
    network: str | None,
    *,
    no_cache: bool = False,
) -> float:
    """The plain sequence a CI script runs; timed as one unit, clone to last push."""
    with tempfile.TemporaryDirectory(prefix="bench-shell-") as tmp:
        checkout = Path(tmp) / "src"
        tags = ["main", f"sha-{revision[:7]}", "latest"]
        env = {**os.environ, "DOCKER_BUILDKIT": "1"}
        started = time.perf_counter()
        subprocess.run(
            ["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(checkout)],
            check=True, capture_output=True,
        )  # fmt: skip
        build = [DOCKER, "build", "-q", "--build-arg", f"BUST={bust}",
                 "--build-arg", f"BASE_IMAGE={base}"]  # fmt: skip
        if network:
            build += ["--network", network]
        if no_cache:
            build.append("--no-cache")
        for tag in tags:
            build += ["-t", f"{image}:{tag}"]
        subprocess.run([*build, str(checkout)], check=True, capture_output=True, env=env)
        subprocess.run(
            [DOCKER, "push", "-q", "--all-tags", image], check=True, capture_output=True, env=env
        )
        return time.perf_counter() - started


def remove_local(image: str) -> None:
    listing = subprocess.run(
        [DOCKER, "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", image],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    refs = [line for line in listing.stdout.split() if line]
    if refs:
        subprocess.run([DOCKER, "image", "rm", "-f", *refs], capture_output=True, check=False)


def _say(scenario: str, case: str, side: str, index: int, elapsed: float) -> None:
    print(f"{scenario:8} {case:10} {side:17} run {index + 1}: {elapsed:7.2f} s", file=sys.stderr)


def measure(scenario: Scenario, args: argparse.Namespace, created: list[str]) -> Timings:
    timings = Timings()
    run_id = uuid.uuid4().hex[:8]
    prefix = f"{args.registry}/bench-build-{scenario.name}-{run_id}"
    net = scenario.network
    with tempfile.TemporaryDirectory(prefix=f"bench-build-{scenario.name}-") as tmp:
        repo = Path(tmp) / "repo"
        revision = scenario.make(repo)
        for index in range(args.cold):
            order = ["dockyard", "shell"] if index % 2 == 0 else ["shell", "dockyard"]
            for side in order:
                image = f"{prefix}-{side}-cold{index}"
                created.append(image)
                bust = uuid.uuid4().hex
                if side == "dockyard":
                    elapsed, _ = run_dockyard(repo, image, bust, args.base, net)
                else:
                    elapsed = run_shell(repo, image, bust, args.base, revision, net)
                timings.cold[side].append(elapsed)
                _say(scenario.name, "cold", side, index, elapsed)
        fixed = f"unchanged-{run_id}"
        images = {side: f"{prefix}-{side}-same" for side in ("dockyard", "shell")}
        created += list(images.values())
        run_dockyard(repo, images["dockyard"], fixed, args.base, net)  # the first push
        run_shell(repo, images["shell"], fixed, args.base, revision, net)
        for index in range(args.unchanged):
            order = ["dockyard", "shell"] if index % 2 == 0 else ["shell", "dockyard"]
            for side in order:
                if side == "dockyard":
                    elapsed, result = run_dockyard(repo, images[side], fixed, args.base, net)
                    assert result["skipped"] is True, result
                    key = "dockyard"
                else:
                    elapsed = run_shell(repo, images[side], fixed, args.base, revision, net)
                    key = "shell_warm_cache"
                timings.unchanged[key].append(elapsed)
                _say(scenario.name, "unchanged", key, index, elapsed)
        for index in range(args.fresh):
            elapsed = run_shell(
                repo, images["shell"], fixed, args.base, revision, net, no_cache=True
            )
            timings.unchanged["shell_no_cache"].append(elapsed)
            _say(scenario.name, "unchanged", "shell_no_cache", index, elapsed)
    return timings


def report(results: dict[str, Timings], args: argparse.Namespace) -> None:
    print("| repository | case | dockyard build --push (median) | clone + docker build + push "
          "(median) | ratio | target |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    for name, timings in results.items():
        med = {side: statistics.median(runs) for side, runs in timings.cold.items()}
        ratio = med["dockyard"] / med["shell"]
        print(
            f"| {name} | cold ({args.cold} runs each) | {med['dockyard']:.2f} s | "
            f"{med['shell']:.2f} s | {ratio:.2f}x the shell's time | "
            f"<= 1.10x: {'met' if ratio <= 1.10 else 'missed'} |"
        )
        unchanged = {s: statistics.median(r) for s, r in timings.unchanged.items() if r}
        dockyard = unchanged["dockyard"]
        for key, label, runs in (
            ("shell_warm_cache", "unchanged, shell with warm build cache", args.unchanged),
            ("shell_no_cache", "unchanged, shell as a fresh CI runner (--no-cache)", args.fresh),
        ):
            if key not in unchanged:
                continue
            speedup = unchanged[key] / dockyard
            print(
                f"| {name} | {label} ({runs} runs) | {dockyard:.2f} s | {unchanged[key]:.2f} s | "
                f"{speedup:.1f}x faster | >= 10x: {'met' if speedup >= 10 else 'missed'} |"
            )
    print()
    every = {name: {"cold": t.cold, "unchanged": t.unchanged} for name, t in results.items()}
    print("all runs (s): " + json.dumps(every))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(every, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="tiny,service")
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--unchanged", type=int, default=5)
    parser.add_argument("--fresh", type=int, default=3, help="shell runs with --no-cache")
    parser.add_argument("--registry", default="127.0.0.1:5000")
    parser.add_argument("--base", default="local/debian:bookworm")
    args = parser.parse_args()
    created: list[str] = []
    results: dict[str, Timings] = {}
    try:
        for name in args.scenarios.split(","):
            results[name] = measure(SCENARIOS[name], args, created)
    finally:
        for image in created:
            remove_local(image)
    report(results, args)


if __name__ == "__main__":
    main()
