"""The `dockyard serve` dashboard with a full database: each page's time and size, and how soon
the overview hears of a deployment.

A SQLite store (the default database; its schema made by Store.open, the rows written in one
transaction) with ``--apps`` apps and ``--builds`` builds (each with lint findings, a size and
a digest; one in twenty failed at the gate), 20 deployments per app and a 500-line log on the
measured build. The dashboard's routes run under uvicorn on 127.0.0.1, as `dockyard serve`
runs them; a signed-in client (httpx) measures:

- each page's time (request to last byte over loopback, median of ``--repeat``; an upper bound of
  the server's time) and its bytes; targets < 100 ms and < 150 kB;
- the overview's live update: a new live deployment written to the store -> the ``changed``
  event on ``/ui/events`` -> the overview fetched again (what dashboard.js does), median and
  worst of ``--updates``; target < 1 s.

Prints a table, writes ``bench/out/dashboard.json``; ``--write-docs`` rewrites the dashboard
section of ``docs/benchmarks.md``.

    .venv/bin/python -P bench/dashboard.py [--apps 50] [--builds 5000] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import socket
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from dockyard.deploy import Health, Target
from dockyard.serve import HealthMonitor, ServeConfig
from dockyard.serve._pipeline import Stage
from dockyard.serve._store import DeploymentStatus, Scope, Store
from dockyard.serve.dashboard import dashboard_routes, token_sha256

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench/out/dashboard.json"
BENCHMARKS_DOC = ROOT / "docs/benchmarks.md"
SECTION = "## dashboard: `dockyard serve`'s pages with 50 apps and 5,000 builds"
COMMAND = ".venv/bin/python -P bench/dashboard.py --write-docs"
TOKEN = "dy_bench_" + "0" * 32
LOG_LINES = 500
DEPLOYMENTS_PER_APP = 20
PAGE_MS_TARGET = 100.0
PAGE_KB_TARGET = 150.0
LIVE_S_TARGET = 1.0


class Actions:
    def deploy_now(self, app: str) -> str:
        return f"queued {app}"

    def rollback(self, app: str, deployment_id: int | None) -> str:
        return f"rolled back {app}"


class RunningTargets:
    """The deploy core's health sample: one running, healthy container per target."""

    def health(self, targets: Sequence[Target]) -> list[Health]:
        return [Health(t, t.value, True, True, 0, "sha256:" + "e" * 64) for t in targets]


def _finding(i: int) -> dict[str, object]:
    return {
        "path": "Dockerfile",
        "line": 3 + i,
        "code": "DL3008",
        "severity": "warning",
        "message": "Pin versions in apt get install",
    }


def _layers(b: int) -> str:
    """A pushed image's layers as the pipeline keeps them: a 12-entry history, 8 layers."""
    rows = [
        {"command": "/bin/sh -c #(nop) ADD file:9a8c in / ", "size_bytes": 74_800_000,
         "empty": False, "base": True},
        {"command": '/bin/sh -c #(nop)  CMD ["bash"]', "size_bytes": 0, "empty": True,
         "base": True},
    ]  # fmt: skip
    for i in range(10):
        made = i % 3 != 2
        rows.append(
            {
                "command": f"RUN /bin/sh -c pip install --no-cache-dir -r requirements-{i}.txt "
                "&& rm -rf /root/.cache # buildkit",
                "size_bytes": (2_500_000 + b * 1000 + i) if made else 0,
                "empty": not made,
                "base": False,
            }
        )
    total = sum(int(str(row["size_bytes"])) for row in rows)
    return json.dumps(
        {"size_bytes": total, "efficiency": 0.97, "wasted_bytes": 1_200_000,
         "base_image": "python:3.11-slim", "layers": rows}
    )  # fmt: skip


def fill(db: Path, *, apps: int, builds: int, now: float) -> dict[str, Any]:
    """Rows straight into the tables :meth:`Store.open` made, in one transaction (the store's
    API commits each write on its own, which takes minutes for 5,000 builds on this disk)."""
    names = [f"app-{n:02d}" for n in range(apps)]
    per_app = builds // apps
    build_rows: list[tuple[Any, ...]] = []
    deployment_rows: list[tuple[Any, ...]] = []
    layer_rows: list[tuple[int, str]] = []
    build_id = 0
    measured_build = 0
    for a, name in enumerate(names):
        for b in range(per_app):
            build_id += 1
            at = now - (per_app - b) * 600 - a
            commit = f"{a:04x}{b:04x}".ljust(40, "0")
            if b % 20 == 7:
                build_rows.append(
                    (
                        build_id,
                        name,
                        commit,
                        "webhook",
                        None,
                        Stage.FAILED.value,
                        "gate: size 240.2 MB is over the limit of 200 MB; nothing was pushed",
                        None,
                        None,
                        "[]",
                        at,
                        at + 1,
                        at + 70,
                    )
                )
                continue
            digest = "sha256:" + f"{build_id:064x}"
            findings = json.dumps([_finding(i) for i in range(b % 4)])
            build_rows.append(
                (
                    build_id,
                    name,
                    commit,
                    "webhook",
                    None,
                    Stage.LIVE.value,
                    None,
                    digest,
                    100_000_000 + b * 150_000,
                    findings,
                    at,
                    at + 1,
                    at + 60,
                )
            )
            layer_rows.append((build_id, _layers(b)))
            if b >= per_app - DEPLOYMENTS_PER_APP:
                targets = json.dumps(
                    [
                        {
                            "target": {"container": f"{name}-web"},
                            "name": f"{name}-web",
                            "status": "updated",
                        }
                    ]
                )
                deployment_rows.append(
                    (
                        name,
                        build_id,
                        commit,
                        digest,
                        targets,
                        DeploymentStatus.SUPERSEDED.value,
                        None,
                        at + 61,
                    )
                )
            if a == apps // 2 and b == per_app - 1:
                measured_build = build_id
    # the newest deployment of each app is the live one
    live_of: dict[str, int] = {}
    for index, row in enumerate(deployment_rows):
        live_of[row[0]] = index
    for index in live_of.values():
        row = deployment_rows[index]
        deployment_rows[index] = (*row[:5], DeploymentStatus.LIVE.value, *row[6:])
    logs = [
        (measured_build, f"  | #{i // 10} [stage-1 {i}/{LOG_LINES}] RUN step {i}")
        for i in range(LOG_LINES)
    ]
    with sqlite3.connect(db) as conn:
        conn.executemany(
            'INSERT INTO builds (id, app, "commit", trigger, delivery_id, status, reason, '
            "digest, size_bytes, findings, created_at, started_at, finished_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            build_rows,
        )
        conn.executemany(
            'INSERT INTO deployments (app, build_id, "commit", digest, targets, status, '
            "reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            deployment_rows,
        )
        conn.executemany("INSERT INTO build_logs (build_id, line) VALUES (?, ?)", logs)
        conn.executemany("INSERT INTO build_layers (build_id, summary) VALUES (?, ?)", layer_rows)
    return {"apps": names, "measured_app": names[apps // 2], "measured_build": measured_build}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(app: Starlette) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def sign_in(client: httpx.Client) -> None:
    form = client.get("/ui/signin").text
    match = re.search(r'name="csrf" value="([^"]+)"', form)
    assert match
    answer = client.post("/ui/signin", data={"token": TOKEN, "csrf": match.group(1)})
    answer.raise_for_status()


def measure_pages(client: httpx.Client, pages: dict[str, str], repeat: int) -> list[dict[str, Any]]:
    rows = []
    for label, path in pages.items():
        start = time.perf_counter()
        client.get(path).raise_for_status()  # the first look reads every app from the store
        first = (time.perf_counter() - start) * 1000
        times, size = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            answer.raise_for_status()
            size = len(answer.content)
        rows.append(
            {
                "page": label,
                "path": path,
                "ms_median": round(statistics.median(times), 1),
                "ms_max": round(max(times), 1),
                "ms_first": round(first, 1),
                "kb": round(size / 1000, 1),
            }
        )
    return rows


def measure_live(client: httpx.Client, store: Store, app: str, updates: int) -> dict[str, Any]:
    events: queue.Queue[float] = queue.Queue()
    stop = threading.Event()

    def listen() -> None:
        try:
            with client.stream("GET", "/ui/events", timeout=None) as stream:
                for line in stream.iter_lines():
                    if stop.is_set():
                        return
                    if line == "event: changed":
                        events.put(time.perf_counter())
        except httpx.HTTPError:
            return  # the server stopped at the end of the run

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(1.0)  # the stream's first summary is taken
    event_s, total_s = [], []
    for n in range(updates):
        start = time.perf_counter()
        store.add_deployment(
            app=app,
            build_id=None,
            commit="f" * 40,
            digest="sha256:" + f"{n:064x}",
            targets=[
                {"target": {"container": f"{app}-web"}, "name": f"{app}-web", "status": "updated"}
            ],
            status=DeploymentStatus.LIVE,
            reason=None,
            now=time.time(),
        )
        heard = events.get(timeout=10)
        client.get("/").raise_for_status()  # what the page's script does next
        event_s.append(heard - start)
        total_s.append(time.perf_counter() - start)
        time.sleep(0.4)
    stop.set()
    return {
        "updates": updates,
        "event_s_median": round(statistics.median(event_s), 3),
        "event_s_max": round(max(event_s), 3),
        "total_s_median": round(statistics.median(total_s), 3),
        "total_s_max": round(max(total_s), 3),
    }


def render(results: dict[str, Any]) -> str:
    rows = [
        "| page | path | time (ms, median / worst) | first request (ms) | bytes (kB) | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in results["pages"]:
        ok = row["ms_median"] < PAGE_MS_TARGET and row["kb"] < PAGE_KB_TARGET
        rows.append(
            f"| {row['page']} | `{row['path']}` | {row['ms_median']} / {row['ms_max']} | "
            f"{row['ms_first']} | {row['kb']} | < 100 ms, < 150 kB "
            f"{'(met)' if ok else '(**missed**)'} |"
        )
    live = results["live"]
    ok = live["total_s_max"] < LIVE_S_TARGET
    rows.append(
        f"| overview live update after a deployment (event / event + refetch, s, median; "
        f"worst) | `/ui/events` | {live['event_s_median']} / {live['total_s_median']}; "
        f"{live['total_s_max']} | - | - | < 1 s {'(met)' if ok else '(**missed**)'} |"
    )
    return "\n".join(rows)


def write_docs(results: dict[str, Any]) -> None:
    text = BENCHMARKS_DOC.read_text()
    body = (
        f"{SECTION}\n\n"
        f"`{COMMAND}`: a SQLite store (the default database) with {results['apps']} apps, "
        f"{results['builds']} builds (findings, sizes, digests, a 12-entry layer table per "
        "pushed image; one in twenty failed at the "
        f"gate), {DEPLOYMENTS_PER_APP} deployments per app and a {LOG_LINES}-line log on the "
        "measured build, written into the store's tables in one transaction; every app's "
        "target sampled healthy by the server's health monitor. The dashboard's "
        "routes under uvicorn on 127.0.0.1; a signed-in httpx client measures request to last "
        "byte over loopback "
        f"(median of {results['repeat']}), so the times include the client's share. Load "
        f"average {results['load_average_at_start']} at the start (2 shared cores).\n\n"
        f"{render(results)}\n\n"
        "The first request for the overview reads every app from the store (two queries each); "
        "after that the server keeps each app's rows until a probe of the store (the next "
        "build and deployment ids, the unfinished builds: three queries) sees that app change. "
        "The live update is the `changed` event on `/ui/events` (the server compares a small "
        "summary of the page every 0.25 s, shared by every browser watching it) and the "
        "overview fetched again, as `dashboard.js` does. Raw figures: "
        "`bench/out/dashboard.json`.\n"
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
    parser.add_argument("--apps", type=int, default=50)
    parser.add_argument("--builds", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    load = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="dockyard-bench-dashboard-") as tmp:
        state = Path(tmp) / "state"
        store = Store.open(f"sqlite:///{state / 'serve.db'}")
        store.add_token(name="bench", scope=Scope.DEPLOY, sha256=token_sha256(TOKEN), now=0.0)
        started = time.perf_counter()
        facts = fill(state / "serve.db", apps=args.apps, builds=args.builds, now=time.time())
        fill_s = round(time.perf_counter() - started, 1)
        config = ServeConfig.model_validate(
            {
                "state_dir": str(state),
                "apps": {
                    name: {
                        "repo": f"http://127.0.0.1:9418/{name}.git",
                        "image": f"127.0.0.1:5000/{name}",
                        "policy": {"max_size_mb": 200},
                        "deploy": [{"container": f"{name}-web"}],
                    }
                    for name in facts["apps"]
                },
            }
        )
        # Every app's targets running and healthy, as the deploy core would sample them (the
        # monitor samples in its own thread; a page reads the last sample).
        health = HealthMonitor(config.apps, RunningTargets())
        health.sample()
        app = Starlette(
            routes=dashboard_routes(
                store=store,
                config=config,
                actions=Actions(),
                secure_cookies=False,
                health=health,
            )
        )
        server, thread, url = serve(app)
        try:
            with httpx.Client(base_url=url, timeout=30, follow_redirects=True) as client:
                sign_in(client)
                pages = {
                    "Overview": "/",
                    "App": f"/ui/apps/{facts['measured_app']}",
                    "Build": f"/ui/builds/{facts['measured_build']}",
                    "Size chart": f"/ui/apps/{facts['measured_app']}/size.svg",
                    "Sign-in": "/ui/signin",
                }
                rows = measure_pages(client, pages, args.repeat)
                live = measure_live(client, store, facts["measured_app"], args.updates)
        finally:
            server.should_exit = True
            server.force_exit = True
            thread.join(timeout=10)
            store.close()
    results = {
        "apps": args.apps,
        "builds": args.builds,
        "repeat": args.repeat,
        "fill_seconds": fill_s,
        "load_average_at_start": load,
        "pages": rows,
        "live": live,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    print(f"(filled in {fill_s} s)")
    if args.write_docs:
        write_docs(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
