"""`dockyard inspect` side by side with dive, on the same two images, on both engines, in one run.

The engines: Docker Engine 20.10 with the classic overlay2 layer store (the default socket) and
Docker Engine 28 with the containerd image store (``DOCKYARD_TEST_ENGINE28_HOST`` from
``scripts/provision --engine28``'s env file, or ``DOCKYARD_BENCH_ENGINE28_HOST``). On each it
builds (or reuses) two images with the classic builder and host networking:

- ``apt``: Debian minbase plus apt-installed python3, perl, curl and git, a few hundred MB, with
  apt's lists and caches written by one layer and removed by a later one;
- ``large``: the apt image plus gcc/g++ and 150,000 generated files (~1.1 GB), then a layer
  that overwrites every 7th of them, deletes 50 and one whole directory (>= 1.5 GB in all).

dive re-stacks every lower layer for each whiteout it meets (``filetree/efficiency.go``), so an
image with thousands of deleted files takes it many minutes; the large image keeps deletions to
a realistic few dozen so that dive finishes and the comparison measures reading the layers.

For each image it runs, alternating, ``dockyard inspect --json IMAGE`` with an empty layer cache
(a fresh ``XDG_CACHE_HOME``) and ``CI=true dive IMAGE --json out.json``, ``--repeat`` times each,
under ``/usr/bin/time -v`` (wall time and peak RSS of the process), and compares efficiency and
wasted bytes. It also times dockyard's fallback reader (``docker save`` streamed through the API
and parsed on the fly, used when the engine's layer store is not readable) once per image.

    .venv/bin/python bench/inspect.py [--repeat N] [--engines 20.10,28] [--write-docs] [--cleanup]

``--cleanup`` removes the two images at the end (they take ~2 GB of the engine's disk).
"""

from __future__ import annotations

import os
import sys

# This file is named like the standard library's ``inspect``; keep its folder off the import path
# so ``dataclasses`` (which imports ``inspect``) gets the real one.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tarfile  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import docker  # noqa: E402
import docker.errors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv/bin"
DOCKYARD = VENV_BIN / "dockyard"
DIVE = VENV_BIN / "dive"
OUT = ROOT / "bench/out/inspect.json"
DOCS = ROOT / "docs/benchmarks.md"
SECTION = "## inspect: `dockyard inspect` vs dive"
COMMAND = ".venv/bin/python bench/inspect.py --write-docs"
BASE = os.environ.get("DOCKYARD_BENCH_BASE", "local/debian:bookworm")
ENV_FILE = Path(os.environ.get("DOCKYARD_TEST_ENV", "/tmp/dockyard-test.env"))


@dataclass(frozen=True)
class EngineUnderTest:
    name: str  # "20.10" or "28"
    host: str  # its DOCKER_HOST
    version: str = ""
    store: str = ""  # "overlay2 (classic)" or "containerd snapshotter"


def engine_host(name: str) -> str:
    if name == "20.10":
        return "unix:///var/run/docker.sock"
    if name != "28":
        raise SystemExit(f"unknown engine {name!r}: use 20.10 or 28")
    host = os.environ.get("DOCKYARD_BENCH_ENGINE28_HOST", "")
    if not host and ENV_FILE.is_file():
        for line in ENV_FILE.read_text().splitlines():
            if line.startswith("DOCKYARD_TEST_ENGINE28_HOST="):
                host = line.split("=", 1)[1]
    if not host:
        raise SystemExit("engine 28 is not running: run scripts/provision --engine28 first")
    return host


def describe(name: str, host: str, client: docker.DockerClient) -> EngineUnderTest:
    info = client.info()
    status = dict(tuple(pair) for pair in info.get("DriverStatus") or [] if len(pair) == 2)
    containerd = status.get("driver-type") == "io.containerd.snapshotter.v1"
    store = "containerd snapshotter" if containerd else f"{info.get('Driver')} (classic)"
    return EngineUnderTest(name, host, str(info.get("ServerVersion", "")), store)


APT_IMAGE = "dockyard-bench/inspect-apt:1"
LARGE_IMAGE = "dockyard-bench/inspect-large:2"

APT_DOCKERFILE = f"""\
FROM {BASE}
RUN apt-get update
RUN apt-get install -y --no-install-recommends python3 perl curl
RUN apt-get install -y --no-install-recommends git
RUN rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
"""

LARGE_DOCKERFILE = f"""\
FROM {APT_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ make
COPY generate.py /generate.py
RUN python3 /generate.py create /gen
RUN python3 /generate.py churn /gen && rm -rf /gen/d007
"""

GENERATE = """\
import os, sys
mode, root = sys.argv[1], sys.argv[2]
DIRS, FILES = 300, 500
def size_of(i):
    return 256 + (i * 7919) % 12000 if i % 97 else 200_000 + (i * 31) % 50_000
chunk = os.urandom(1 << 20)
def write(path, size):
    with open(path, "wb") as f:
        f.write((chunk * (size // len(chunk) + 1))[:size] if size > len(chunk) else chunk[:size])
for d in range(DIRS):
    folder = f"{root}/d{d:03d}"
    if mode == "create":
        os.makedirs(folder, exist_ok=True)
    for n in range(FILES):
        i = d * FILES + n
        path = f"{folder}/f{n:04d}.bin"
        if mode == "create":
            write(path, size_of(i))
        elif i % 3000 == 0:
            os.remove(path)
        elif i % 7 == 0:
            write(path, size_of(i) + 100)
"""


@dataclass
class Measure:
    wall_s: float
    peak_rss_mb: float


def build(client: docker.DockerClient, tag: str, dockerfile: str, extra: dict[str, str]) -> None:
    """Build ``tag`` unless the engine already has it (images are cached between runs)."""
    try:
        client.images.get(tag)
        print(f"reusing {tag}", file=sys.stderr)
        return
    except docker.errors.ImageNotFound:
        pass
    print(f"building {tag} ...", file=sys.stderr)
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as archive:
        for name, text in {"Dockerfile": dockerfile, **extra}.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    context.seek(0)
    started = time.monotonic()
    client.images.build(
        fileobj=context, custom_context=True, tag=tag, network_mode="host", rm=True, forcerm=True
    )
    print(f"built {tag} in {time.monotonic() - started:.0f} s", file=sys.stderr)


def timed(argv: list[str], env: dict[str, str]) -> tuple[Measure, str]:
    """Run ``argv`` under /usr/bin/time -v: wall time and the process's peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.monotonic()
        done = subprocess.run(
            ["/usr/bin/time", "-v", "-o", report.name, *argv],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - started
        text = report.read()
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    rss = int(match.group(1)) / 1024 if match else float("nan")
    return Measure(wall, rss), done.stdout


def run_dockyard(image: str, host: str) -> tuple[Measure, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env |= {"XDG_CACHE_HOME": cache, "DOCKER_HOST": host}
        measure, stdout = timed([str(DOCKYARD), "inspect", "--json", image], env)
    return measure, json.loads(stdout)


def run_dive(image: str, host: str) -> tuple[Measure, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "dive.json"
        env = {**os.environ, "CI": "true", "DOCKER_HOST": host}
        measure, _ = timed([str(DIVE), image, "--json", str(out)], env)
        return measure, json.loads(out.read_text())


FALLBACK = """\
import sys
from dockyard.engine import Engine, stream_saved_image
from dockyard.image import analyse, read_archive
from dockyard.image._tarscan import ChunkReader
with Engine() as engine:
    data = read_archive(ChunkReader(stream_saved_image(engine, ref=sys.argv[1])), name=sys.argv[1])
print(analyse(data.layers).wasted_bytes)
"""


def run_fallback(image: str, host: str) -> tuple[Measure, int]:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"DOCKER_HOST": host}
    measure, stdout = timed([sys.executable, "-c", FALLBACK, image], env)
    return measure, int(stdout.strip())


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_image(image: str, repeat: int, engine: EngineUnderTest) -> dict[str, Any]:
    mine: list[Measure] = []
    theirs: list[Measure] = []
    report: dict[str, Any] = {}
    dive: dict[str, Any] = {}
    for _ in range(repeat):
        measure, report = run_dockyard(image, engine.host)
        mine.append(measure)
        measure, dive = run_dive(image, engine.host)
        theirs.append(measure)
    fallback, fallback_wasted = run_fallback(image, engine.host)
    dive_image = dive["image"]
    return {
        "engine": f"{engine.version}, {engine.store}",
        "reader": report["provenance"]["reader"],
        "image": image,
        "size_bytes": report["size_bytes"],
        "files": report["file_count"],
        "layers": sum(1 for row in report["layers"] if not row["empty"]),
        "dockyard_wall_s": median([m.wall_s for m in mine]),
        "dockyard_rss_mb": max(m.peak_rss_mb for m in mine),
        "dive_wall_s": median([m.wall_s for m in theirs]),
        "dive_rss_mb": max(m.peak_rss_mb for m in theirs),
        "fallback_wall_s": fallback.wall_s,
        "fallback_rss_mb": fallback.peak_rss_mb,
        "fallback_wasted_bytes": fallback_wasted,
        "dockyard_efficiency": report["efficiency"],
        "dive_efficiency": dive_image["efficiencyScore"],
        "dockyard_wasted_bytes": report["wasted_bytes"],
        "dive_wasted_bytes": dive_image["inefficientBytes"],
        "dive_size_bytes": dive_image["sizeBytes"],
        "recoverable_bytes": report["recoverable_bytes"],
        "dockyard_walls": [round(m.wall_s, 3) for m in mine],
        "dive_walls": [round(m.wall_s, 3) for m in theirs],
    }


def markdown(results: list[dict[str, Any]], repeat: int) -> str:
    lines = [
        SECTION,
        "",
        f"Command: `{COMMAND}`. Median wall time of {repeat} runs each, alternating; dockyard",
        "cold (an empty layer cache per run); the OS page cache is warm for both, as right",
        "after a build. Peak RSS is the process's own (`/usr/bin/time -v`, the largest of the",
        "runs); for dive that leaves out the engine's work for `docker save`, dockyard's fast",
        "path has none. Other benchmarks shared the 2 cores during the run, so single timings",
        "vary by up to 2x; the ratios hold across runs.",
        "",
        "| engine, image store | image | size | files | layers | dockyard | dive | ratio"
        " | RSS dockyard | RSS dive | efficiency dockyard / dive | wasted bytes dockyard / dive |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | `{r['image']}` | {r['size_bytes'] / 1e6:.0f} MB "
            f"| {r['files']} | {r['layers']} "
            f"| {r['dockyard_wall_s']:.2f} s | {r['dive_wall_s']:.2f} s "
            f"| {r['dockyard_wall_s'] / r['dive_wall_s']:.2f}x "
            f"| {r['dockyard_rss_mb']:.0f} MB | {r['dive_rss_mb']:.0f} MB "
            f"| {r['dockyard_efficiency']:.6f} / {r['dive_efficiency']:.6f} "
            f"| {r['dockyard_wasted_bytes']} / {r['dive_wasted_bytes']} |"
        )
    lines += [
        "",
        "What dockyard read: "
        + "; ".join(sorted({f"{r['engine']}: {r['reader']}" for r in results}))
        + ".",
        "",
        "Fallback reader (the engine's store not readable: remote `DOCKER_HOST`, Podman):",
        "`docker save` streamed through the API and parsed on the fly, never written to disk.",
        "",
        "| engine, image store | image | fallback wall | fallback RSS | wasted bytes |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | `{r['image']}` | {r['fallback_wall_s']:.2f} s "
            f"| {r['fallback_rss_mb']:.0f} MB "
            f"| {r['fallback_wasted_bytes']} |"
        )
    lines += ["", *EXPLANATION, ""]
    return "\n".join(lines)


EXPLANATION = [
    "How dockyard is faster: on a local Docker engine it does not re-serialise the image.",
    "",
    "On the classic store (Engine 20.10, or later engines without the containerd snapshotter)",
    "Docker",
    "keeps, next to every layer, `tar-split.json.gz`: the exact tar headers (names, sizes, types,",
    "whiteouts) from which `docker save` itself rebuilds each layer tar. dockyard reads that",
    "metadata (9 MB, gzip-compressed, for the 2.5 GB image) instead of the layers' bytes,",
    "checks the config's sha256 against the image id and each layer's chain id against the",
    "config's diff ids, and parses layers in two threads. dive asks the engine for",
    "`docker save` and reads every byte.",
    "",
    "On the containerd image store (Engine 28 here; Engine 29's default) there is no tar-split",
    "metadata: containerd keeps the image's manifest, config and layer blobs in its content store",
    "and each layer unpacked in a snapshot directory. dockyard reads containerd's metadata",
    "(bbolt files, read a page at a time, never through containerd's API, so nothing is",
    "changed) to find each layer's snapshot by its chain id, checks the manifest and config",
    "digests and the diff id containerd recorded for each layer blob, and walks the snapshot",
    "directories (`os.scandir` + `lstat`: names, sizes, 0/0 whiteouts, opaque directories by",
    "xattr), never a file's bytes; a layer kept as an uncompressed tar (`docker load`) is read",
    "by its headers, seeking past the contents. dive asks that engine for `docker save`, which",
    "there re-reads every blob from the content store (twice dive's 20.10 time on the small",
    "image in this run, less on the large one).",
    "",
    "The other way evaluated for the classic store: walking overlay2's diff directories",
    "(`os.scandir` + `lstat`, whiteouts as 0/0 character devices, opaque directories by",
    "xattr). On the large image",
    "with a warm dentry cache the walk took 0.92 s for 187,366 entries against 1.26 s for",
    "parsing its tar-split (single thread, both measured by hand, not by this script).",
    "dockyard reads tar-split all the same: it is what `docker save` (and so dive) emits,",
    "byte for byte, including which hard link carries the size and the tars of pulled",
    "layers as the registry served them, which a walk can only re-derive; it is one",
    "sequential read per layer instead of one inode lookup per file when the cache is cold;",
    "and it works with every graph driver of Docker's layer store, not only overlay2.",
    "",
    "Efficiency and wasted bytes are counted as dive counts them (leaf paths only, whiteouts of",
    "directories weighed by the deleted subtree, opaque markers ignored); `recoverable_bytes`",
    "(copies nobody sees any more) is dockyard's own and smaller, since dive's wasted bytes",
    "include the copy that is kept.",
    "",
    "Memory: a Python process with the docker SDK imported (requests, urllib3, ssl) starts at",
    "~34 MB, so on the small image dockyard's margin under dive is a few MB; on the large one",
    "dockyard holds one packed record per path and at most two layers' entries at a time.",
    "",
    "The fallback reader waits mostly on the engine producing `docker save` (the profile shows",
    "most of its time in socket reads), as dive does; it is not faster than dive: about as",
    "fast on the small image, ~1.4x dive's time on the large one (tarfile and sha256 of every",
    "byte in Python). It is the path for remote engines and Podman only.",
    "dive re-stacks every lower layer for each whiteout it meets, so images with thousands of",
    "deleted files take it many minutes (a first version of the large image, with 15,000",
    "deletions, kept dive busy for more than 5 minutes before it was stopped); dockyard's",
    "cost does not grow with deletions.",
]


def write_docs(section: str) -> None:
    text = DOCS.read_text()
    start = text.index(SECTION)
    following = text.find("\n## ", start + len(SECTION))
    end = len(text) if following < 0 else following + 1
    DOCS.write_text(text[:start] + section + ("\n" if following >= 0 else "") + text[end:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--cleanup", action="store_true")
    parser.add_argument("--only", choices=["apt", "large"])
    parser.add_argument("--engines", default="20.10,28", help="comma-separated: 20.10, 28")
    args = parser.parse_args()
    results = []
    clients = []
    for name in args.engines.split(","):
        host = engine_host(name)
        client = docker.DockerClient(base_url=host, version="auto", timeout=3600)
        clients.append(client)
        engine = describe(name, host, client)
        print(f"engine {name}: {engine.version}, {engine.store} at {engine.host}", file=sys.stderr)
        build(client, APT_IMAGE, APT_DOCKERFILE, {})
        images = [APT_IMAGE]
        if args.only != "apt":
            build(client, LARGE_IMAGE, LARGE_DOCKERFILE, {"generate.py": GENERATE})
            images.append(LARGE_IMAGE)
        if args.only == "large":
            images = [LARGE_IMAGE]
        for image in images:
            result = bench_image(image, args.repeat, engine)
            print(json.dumps(result, indent=2))
            results.append(result)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    section = markdown(results, args.repeat)
    print(section)
    if args.write_docs:
        write_docs(section)
    if args.cleanup:
        for client in clients:
            for image in (LARGE_IMAGE, APT_IMAGE):
                with contextlib.suppress(docker.errors.ImageNotFound):
                    client.images.remove(image, force=True)


if __name__ == "__main__":
    main()
