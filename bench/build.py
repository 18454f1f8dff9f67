"""Benchmark: ``dockyard build --push`` vs ``git clone --depth 1 && docker build && docker push``.

Same engine, same registry, same repository, in one run, alternating which side goes first:

- cold: a build argument read by the first RUN (``BUST``) gets a new value for every run, so no
  RUN step is cached on either side, and each run pushes to a repository of its own, so every
  layer of the build is uploaded (the base image layer is shared: the engine mounts it from
  where it was pushed before, on both sides alike). The base image is local on both sides.
- unchanged: the same commit with the same arguments again. dockyard finds the pushed image by its
  inputs label and stops; the shell sequence clones, builds (all cached) and pushes (all layers
  "already exist"), which is what a CI job without such a check does.

Both sides tag three tags (branch, ``sha-<7>``, ``latest``), as metadata-action would, and push
all of them. The shell side uses Debian's docker 20.10 client with ``DOCKER_BUILDKIT=1``.

Run:  .venv/bin/python bench/build.py [--cold 3] [--unchanged 5] [--registry 127.0.0.1:5000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKYARD = str(ROOT / ".venv" / "bin" / "dockyard")
DOCKER = "/usr/bin/docker"

DOCKERFILE = """\
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


def make_repository(path: Path) -> str:
    (path / "app").mkdir(parents=True)
    (path / "Dockerfile").write_text(DOCKERFILE)
    for index in range(40):
        (path / "app" / f"module_{index}.py").write_text(f"VALUE = {index}\n" * 200)
    _git(path, "init", "-q", "-b", "main")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "bench app")
    return _git(path, "rev-parse", "HEAD")


def run_dockyard(repo: Path, image: str, bust: str, base: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run(
        [
            DOCKYARD, "build", repo.as_uri(), "--image", image, "--push", "--json",
            "--build-arg", f"BUST={bust}", "--build-arg", f"BASE_IMAGE={base}",
        ],
        capture_output=True, text=True, check=False, env={**os.environ, "CI": "true"},
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"dockyard failed: {done.stderr[-2000:]}")
    result: dict[str, object] = json.loads(done.stdout)
    return elapsed, result


def run_shell(repo: Path, image: str, bust: str, base: str, revision: str) -> float:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--unchanged", type=int, default=5)
    parser.add_argument("--registry", default="127.0.0.1:5000")
    parser.add_argument("--base", default="local/debian:bookworm")
    args = parser.parse_args()
    run_id = uuid.uuid4().hex[:8]
    created: list[str] = []
    cold: dict[str, list[float]] = {"dockyard": [], "shell": []}
    warm: dict[str, list[float]] = {"dockyard": [], "shell": []}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        repo = Path(tmp) / "app"
        revision = make_repository(repo)
        try:
            for index in range(args.cold):
                order = ["dockyard", "shell"] if index % 2 == 0 else ["shell", "dockyard"]
                for side in order:
                    image = f"{args.registry}/bench-build-{run_id}-{side}-cold{index}"
                    created.append(image)
                    bust = uuid.uuid4().hex
                    if side == "dockyard":
                        elapsed, _ = run_dockyard(repo, image, bust, args.base)
                    else:
                        elapsed = run_shell(repo, image, bust, args.base, revision)
                    cold[side].append(elapsed)
                    print(f"cold      {side:8} run {index + 1}: {elapsed:6.2f} s", file=sys.stderr)
            # unchanged: the last cold image of each side, same commit and arguments again
            fixed_bust = "unchanged"
            images = {side: f"{args.registry}/bench-build-{run_id}-{side}-same" for side in cold}
            created += list(images.values())
            run_dockyard(repo, images["dockyard"], fixed_bust, args.base)  # first push
            run_shell(repo, images["shell"], fixed_bust, args.base, revision)
            for index in range(args.unchanged):
                order = ["dockyard", "shell"] if index % 2 == 0 else ["shell", "dockyard"]
                for side in order:
                    if side == "dockyard":
                        elapsed, result = run_dockyard(repo, images[side], fixed_bust, args.base)
                        assert result["skipped"] is True, result
                    else:
                        elapsed = run_shell(repo, images[side], fixed_bust, args.base, revision)
                    warm[side].append(elapsed)
                    print(f"unchanged {side:8} run {index + 1}: {elapsed:6.2f} s", file=sys.stderr)
        finally:
            for image in created:
                remove_local(image)
    report(cold, warm, args)


def report(
    cold: dict[str, list[float]], warm: dict[str, list[float]], args: argparse.Namespace
) -> None:
    cold_ratio = statistics.median(cold["dockyard"]) / statistics.median(cold["shell"])
    warm_speedup = statistics.median(warm["shell"]) / statistics.median(warm["dockyard"])
    print("| case | dockyard build --push (median) | clone + docker build + push (median) | "
          "ratio | target |")  # fmt: skip
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| cold ({args.cold} runs each) | {statistics.median(cold['dockyard']):.2f} s | "
        f"{statistics.median(cold['shell']):.2f} s | {cold_ratio:.2f}x the shell's time | "
        f"<= 1.10x: {'met' if cold_ratio <= 1.10 else 'missed'} |"
    )
    print(
        f"| unchanged commit ({args.unchanged} runs each) | "
        f"{statistics.median(warm['dockyard']):.2f} s | {statistics.median(warm['shell']):.2f} s |"
        f" {warm_speedup:.1f}x faster | >= 10x: {'met' if warm_speedup >= 10 else 'missed'} |"
    )
    print()
    print("all runs (s): " + json.dumps({"cold": cold, "unchanged": warm}))


if __name__ == "__main__":
    main()
