"""`dockyard serve` from a push to the new container serving, side by side with the course's
pipeline (a CI script builds and pushes, then `dockyard watch` polls every 60 s), in one run.

On the real engine and registry of ``scripts/provision``, with a git server of the bench's own
(``git daemon`` on 127.0.0.1) holding a small app (busybox httpd serving the commit's text on a
host port), a real ``dockyard serve`` process with SQLite in a temporary state directory:

- **webhook**: commit, push, a signed GitHub push webhook -> the container answers with the new
  text; against the build's own duration as serve recorded it (target: <= build + 2 s);
- **poll**: the same with no webhook, the app's ``poll`` every 5 s;
- **course pipeline**: ``docker build`` + ``docker push`` of the same commit (what the course's CI
  job runs), then ``dockyard watch --interval 60`` on the container (Watchtower's setting in the
  course): push -> serving;
- **burst**: 200 deliveries at once (20 distinct commits, each delivered ten times: the original,
  replays and forge retries of the same delivery id): answers by status, time to answer (p50,
  p99; target p99 < 50 ms), builds per commit (target: none built twice), the last commit live;
- **memory**: RSS of the serve process idle before any work, its peak while building, and idle
  after (target idle <= 80 MB).

Prints a table, writes ``bench/out/serve.json``; ``--write-docs`` rewrites the serve section of
``docs/benchmarks.md``.

    .venv/bin/python -P bench/serve.py [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import docker
import docker.errors
import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench/out/serve.json"
BENCHMARKS_DOC = ROOT / "docs/benchmarks.md"
SECTION = "## serve: `dockyard serve` from a push to the container vs the course's pipeline"
COMMAND = ".venv/bin/python -P bench/serve.py --write-docs"
DOCKYARD = str(Path(sys.executable).with_name("dockyard"))
REGISTRY = "127.0.0.1:5000"
BASE = "local/busybox:1"
SECRET = secrets.token_hex(16)  # the webhook secret of this run
COURSE_POLL = 60  # seconds: the course's Watchtower interval
SERVE_POLL = 5  # seconds: the poll trigger measured here
BURST_COMMITS = 20
BURST_COPIES = 10  # deliveries per commit: the original, replays, retries (same delivery id)

_DOCKERFILE = """\
FROM {base}
COPY index.html /www/index.html
USER 10001
ENV PORT=8080
CMD ["sh", "-c", "exec httpd -f -p 127.0.0.1:$PORT -h /www"]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str, step: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"bench/serve.py: timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(step)


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


class Forge:
    """A bare repository behind ``git daemon`` on 127.0.0.1, and a clone that commits to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.port = free_port()
        self.bare = root / "repos" / "app.git"
        self.work = root / "work"
        self.daemon: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"git://127.0.0.1:{self.port}/app.git"

    def start(self) -> None:
        self.bare.parent.mkdir(parents=True)
        git("init", "-q", "--bare", "-b", "main", str(self.bare), cwd=self.root)
        self.work.mkdir()
        git("init", "-q", "-b", "main", cwd=self.work)
        git("config", "user.email", "bench@example.com", cwd=self.work)
        git("config", "user.name", "bench", cwd=self.work)
        (self.work / "Dockerfile").write_text(_DOCKERFILE.format(base=BASE))
        git("remote", "add", "origin", str(self.bare), cwd=self.work)
        self.daemon = subprocess.Popen(
            [
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                f"--base-path={self.bare.parent}",
                "--listen=127.0.0.1",
                f"--port={self.port}",
                str(self.bare.parent),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.commit("first")
        wait_for(self._answers, timeout=10, what="git daemon")

    def _answers(self) -> bool:
        done = subprocess.run(["git", "ls-remote", self.url], capture_output=True, check=False)
        return done.returncode == 0

    def commit(self, text: str) -> str:
        (self.work / "index.html").write_text(text + "\n")
        git("add", "-A", cwd=self.work)
        git("commit", "-q", "-m", f"serve {text}", cwd=self.work)
        git("push", "-q", "origin", "main", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work)

    def stop(self) -> None:
        if self.daemon is not None:
            self.daemon.terminate()
            self.daemon.wait(timeout=10)


def push_payload(commit: str, text: str) -> bytes:
    return json.dumps(
        {
            "ref": "refs/heads/main",
            "before": "0" * 40,
            "after": commit,
            "head_commit": {
                "id": commit,
                "message": f"serve {text}",
                "author": {"name": "bench", "email": "bench@example.com"},
                "added": [],
                "modified": ["index.html"],
                "removed": [],
            },
            "commits": [{"id": commit, "message": f"serve {text}", "modified": ["index.html"]}],
            "repository": {"full_name": "bench/app"},
        }
    ).encode()


def signed_headers(body: bytes, delivery: str) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": f"sha256={digest}",
    }


def serving(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/", timeout=1).text.strip()
    except httpx.HTTPError:
        return ""


class Bench:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = docker.from_env()
        self.unique = uuid.uuid4().hex[:8]
        self.repository = f"{REGISTRY}/dockyard-bench-serve-{self.unique}"
        self.forges = {"web": Forge(root / "forge-web"), "poll": Forge(root / "forge-poll")}
        self.ports = {"web": free_port(), "poll": free_port(), "course": free_port()}
        self.listen = free_port()
        self.serve: subprocess.Popen[bytes] | None = None
        self.token = ""
        self.containers: list[str] = []
        self.results: dict[str, Any] = {}

    # -- set-up ---------------------------------------------------------------------------------

    def image(self, app: str) -> str:
        return f"{self.repository}-{app}:main"

    def container(self, app: str) -> str:
        return f"dockyard-bench-serve-{app}-{self.unique}"

    def config(self, *, names: tuple[str, ...] = ("web", "poll"), state: str = "state") -> Path:
        (self.root / "webhook.secret").write_text(SECRET)
        apps: dict[str, Any] = {}
        for app in names:
            entry: dict[str, Any] = {
                "repo": self.forges[app].url,
                "branch": "main",
                "image": self.image(app),
                "deploy": [{"container": self.container(app)}],
                "watch_window": "3s",
                "policy": {"lint_threshold": "error", "non_root": True},
            }
            if app == "web":
                entry["webhook"] = {"provider": "github", "secret_file": "webhook.secret"}
            else:
                entry["poll"] = f"{SERVE_POLL}s"
            apps[app] = entry
        config = {
            "listen": f"127.0.0.1:{self.listen}",
            "state_dir": str(self.root / state),
            "max_builds": 2,
            "apps": apps,
        }
        path = self.root / f"{state}.yaml"
        path.write_text(json.dumps(config, indent=2))  # JSON is YAML
        return path

    def first_image(self, app: str, port: int, *, forge: Forge) -> None:
        """The app's first image, built and pushed the course's way, and its container (host
        network, PORT set: it answers on 127.0.0.1:port)."""
        context = self.root / f"first-{app}"
        shutil.copytree(forge.work, context, ignore=shutil.ignore_patterns(".git"))
        self.client.images.build(path=str(context), tag=self.image(app), rm=True)
        for line in self.client.api.push(self.image(app), stream=True, decode=True):
            if "error" in line:
                raise SystemExit(f"push failed: {line['error']}")
        self.client.containers.run(
            self.image(app),
            name=self.container(app),
            detach=True,
            network_mode="host",
            init=True,  # busybox httpd as PID 1 ignores SIGTERM: every swap would wait 10 s
            environment={"PORT": str(port)},
        )
        self.containers.append(self.container(app))
        text = (context / "index.html").read_text().strip()
        wait_for(lambda: serving(port) == text, timeout=30, what=f"{app} serving")

    def start_serve(self, config: Path) -> None:
        created = subprocess.run(
            [
                DOCKYARD,
                "serve",
                "token",
                "create",
                "bench",
                "--scope",
                "admin",
                "--config",
                str(config),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        self.token = created.stdout.strip().splitlines()[-1]
        self.serve = subprocess.Popen(
            [DOCKYARD, "serve", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "serve.log", "w"),  # noqa: SIM115 - closed with the process
        )
        wait_for(self._healthy, timeout=30, what="dockyard serve /healthz")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listen}"

    def api(self, path: str) -> Any:
        answer = httpx.get(
            f"{self.url}{path}", headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def answer_buckets(self) -> dict[str, float]:
        """The server's own histogram of webhook answer times (``/metrics``), by bucket bound."""
        answer = httpx.get(
            f"{self.url}/metrics", headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )
        answer.raise_for_status()
        buckets = {}
        for line in answer.text.splitlines():
            if line.startswith("dockyard_serve_webhook_answer_seconds_bucket{"):
                bound = line.split('le="', 1)[1].split('"', 1)[0]
                buckets[bound] = float(line.rsplit(" ", 1)[1])
        return buckets

    def idle(self) -> bool:
        apps = [app["name"] for app in self.api("/api/v1/apps")]
        builds = [b for app in apps for b in self.api(f"/api/v1/apps/{app}/builds")]
        return all(b["status"] in ("live", "failed", "rolled_back", "skipped") for b in builds)

    # -- measurements ---------------------------------------------------------------------------

    def cpu_s(self) -> float:
        """CPU seconds the server process has used (user + system)."""
        assert self.serve is not None
        fields = Path(f"/proc/{self.serve.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        assert self.serve is not None
        process = psutil.Process(self.serve.pid)
        total = process.memory_info().rss
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return round(total / 1e6, 1)

    @contextlib.contextmanager
    def peak_rss(self) -> Iterator[list[float]]:
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                with contextlib.suppress(psutil.Error):
                    peak[0] = max(peak[0], self.rss_mb())
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            yield peak
        finally:
            done.set()
            sampler.join()

    def webhook(self) -> dict[str, Any]:
        port = self.ports["web"]
        commit = self.forges["web"].commit("webhook")
        body = push_payload(commit, "webhook")
        started = time.monotonic()
        answer = httpx.post(
            f"{self.url}/hooks/web", content=body, headers=signed_headers(body, str(uuid.uuid4()))
        )
        answered = time.monotonic() - started
        wait_for(lambda: serving(port) == "webhook", timeout=300, what="the webhook's commit")
        elapsed = time.monotonic() - started
        return {
            "status": answer.status_code,
            "answer_ms": round(answered * 1000, 1),
            "push_to_serving_s": round(elapsed, 2),
        }

    def poll(self) -> dict[str, Any]:
        port = self.ports["poll"]
        started = time.monotonic()
        self.forges["poll"].commit("poll")
        wait_for(lambda: serving(port) == "poll", timeout=300, what="the polled commit")
        return {"push_to_serving_s": round(time.monotonic() - started, 2), "interval_s": SERVE_POLL}

    def course(self) -> dict[str, Any]:
        """The course's pipeline: CI builds and pushes; watch polls every 60 s."""
        port = self.ports["course"]
        forge = self.forges["web"]
        self.first_image("course", port, forge=forge)
        watch = subprocess.Popen(
            [
                DOCKYARD,
                "watch",
                "--interval",
                str(COURSE_POLL),
                "--state-dir",
                str(self.root / "watch-state"),
                self.container("course"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(2)  # watch's first cycle (at start) has found nothing new
            started = time.monotonic()
            forge.commit("course")
            context = self.root / "course-checkout"
            shutil.rmtree(context, ignore_errors=True)
            git("clone", "-q", forge.url, str(context), cwd=self.root)
            subprocess.run(
                ["docker", "build", "-q", "-t", self.image("course"), str(context)],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                ["docker", "push", "-q", self.image("course")], check=True, capture_output=True
            )
            built = time.monotonic() - started
            wait_for(
                lambda: serving(port) == "course", timeout=COURSE_POLL + 120, what="watch's update"
            )
            return {
                "push_to_serving_s": round(time.monotonic() - started, 2),
                "build_and_push_s": round(built, 2),
                "interval_s": COURSE_POLL,
            }
        finally:
            watch.send_signal(signal.SIGTERM)
            watch.wait(timeout=60)

    def burst(self, *, senders: int) -> dict[str, Any]:
        port = self.ports["web"]
        deliveries: list[tuple[str, bytes]] = []
        commits = []
        for i in range(BURST_COMMITS):
            text = f"burst-{senders}-{i}"
            commit = self.forges["web"].commit(text)
            commits.append(commit)
            body = push_payload(commit, text)
            deliveries.append((str(uuid.uuid4()), body))
        sends = [d for d in deliveries for _ in range(BURST_COPIES)]
        order = sorted(range(len(sends)), key=lambda i: (i * 7919) % len(sends))  # interleaved

        # Each sender sends prepared requests (signed before the clock starts) over a keep-alive
        # connection of its own, as a forge does, with the standard library's client: httpx
        # spent 4.4 ms of CPU per request, so that sixteen senders took 1.5 of the machine's two
        # cores and mostly timed themselves.
        prepared = [(body, signed_headers(body, delivery)) for delivery, body in sends]
        local = threading.local()
        host, _, listen = self.url.removeprefix("http://").partition(":")

        def send(index: int) -> tuple[int, float, str]:
            if not hasattr(local, "client"):
                local.client = http.client.HTTPConnection(host, int(listen), timeout=30)
            body, headers = prepared[index]
            started = time.monotonic()
            local.client.request("POST", "/hooks/web", body=body, headers=headers)
            answer = local.client.getresponse()
            text = answer.read().decode()
            took = time.monotonic() - started
            return answer.status, took, text

        before = self.answer_buckets()
        server_cpu, sender_cpu, wall = self.cpu_s(), time.process_time(), time.monotonic()
        with ThreadPoolExecutor(max_workers=senders) as pool:
            answers = list(pool.map(send, order))
        server_cpu, sender_cpu, wall = (
            self.cpu_s() - server_cpu,
            time.process_time() - sender_cpu,
            time.monotonic() - wall,
        )
        # The server's own view (from its handler's start to its answer): what of the time the
        # senders saw was spent inside it.
        inside = {k: v - before.get(k, 0.0) for k, v in self.answer_buckets().items()}
        last = f"burst-{senders}-{BURST_COMMITS - 1}"
        wait_for(
            lambda: serving(port) == last, timeout=600, what="the burst's last commit", step=0.2
        )
        wait_for(self.idle, timeout=600, what="every build finished", step=0.5)
        times = sorted(t for _, t, _ in answers)
        statuses: dict[str, int] = {}
        for status, _, text in answers:
            key = str(status) + (" duplicate" if "duplicate" in text else "")
            statuses[key] = statuses.get(key, 0) + 1
        builds = self.api("/api/v1/apps/web/builds?limit=500")
        per_commit: dict[str, int] = {}
        for build in builds:
            if build["commit"] in commits:
                per_commit[build["commit"]] = per_commit.get(build["commit"], 0) + 1
        return {
            "senders": senders,
            "deliveries": len(sends),
            "distinct": len(deliveries),
            "answers": statuses,
            "answer_p50_ms": round(statistics.median(times) * 1000, 1),
            "answer_p99_ms": round(times[int(len(times) * 0.99) - 1] * 1000, 1),
            "server_within_10ms": int(inside.get("0.01", 0)),
            "server_within_50ms": int(inside.get("0.05", 0)),
            # CPU seconds over the burst: the senders must stay light, or they time themselves
            "burst_wall_s": round(wall, 3),
            "server_cpu_s": round(server_cpu, 3),
            "senders_cpu_s": round(sender_cpu, 3),
            "builds": sum(per_commit.values()),
            "built_twice": sum(1 for n in per_commit.values() if n > 1),
            "last_commit_live": serving(port) == last,
        }

    def run_bursts(self) -> dict[str, Any]:
        """Only the two bursts (``--burst-only``): for work on the answer time."""
        self.forges["web"].start()
        self.first_image("web", self.ports["web"], forge=self.forges["web"])
        self.start_serve(self.config(names=("web",)))
        time.sleep(2)
        burst = self.burst(senders=1)
        say("burst, one sender", burst)
        crowd = self.burst(senders=16)
        say("burst, 16 senders", crowd)
        return {"burst": burst, "crowd": crowd}

    def run(self) -> dict[str, Any]:
        for app, forge in self.forges.items():
            forge.start()
            self.first_image(app, self.ports[app], forge=forge)
        # idle at start: a server whose only app waits for webhooks (the poll app below builds
        # its head at once, as it should: a webhook may have been missed while it was down)
        self.start_serve(self.config(names=("web",), state="state-idle"))
        time.sleep(3)
        idle_start = self.rss_mb()
        self.stop_serve()
        self.start_serve(self.config())
        time.sleep(2)
        with self.peak_rss() as peak:
            webhook = self.webhook()
        say("webhook", webhook)
        poll = self.poll()
        say("poll", poll)
        course = self.course()
        say("course", course)
        burst = self.burst(senders=1)
        say("burst, one sender", burst)
        crowd = self.burst(senders=16)
        say("burst, 16 senders", crowd)
        time.sleep(2)
        self.results = {
            "webhook": webhook,
            "poll": poll,
            "course": course,
            "burst": burst,
            "crowd": crowd,
            "rss": {
                "idle_start_mb": idle_start,
                "building_peak_mb": peak[0],
                "idle_after_mb": self.rss_mb(),
            },
        }
        return self.results

    def stop_serve(self) -> None:
        if self.serve is not None:
            self.serve.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.serve.wait(timeout=30)
            if self.serve.poll() is None:
                self.serve.kill()
            self.serve = None

    def cleanup(self) -> None:
        self.stop_serve()
        for forge in self.forges.values():
            forge.stop()
        for container in self.client.containers.list(all=True):
            if self.unique in container.name:
                with contextlib.suppress(docker.errors.APIError):
                    container.remove(force=True)
        for image in self.client.images.list():
            if any(self.unique in tag for tag in image.tags):
                with contextlib.suppress(docker.errors.APIError):
                    self.client.images.remove(image.id, force=True)


def say(what: str, result: dict[str, Any]) -> None:
    print(f"{what}: {json.dumps(result)}", file=sys.stderr, flush=True)


def render(results: dict[str, Any]) -> str:
    web, poll, course, rss = (results[k] for k in ("webhook", "poll", "course", "rss"))
    rows = [
        "| measure | dockyard serve | course pipeline (CI build + push, watch every 60 s) "
        "| target |",
        "| --- | --- | --- | --- |",
        f"| push -> new container serving, webhook | {web['push_to_serving_s']} s (the same "
        f"build and push by hand: {course['build_and_push_s']} s; overhead "
        f"{web['push_to_serving_s'] - course['build_and_push_s']:.2f} s; webhook answered in "
        f"{web['answer_ms']} ms) | {course['push_to_serving_s']} s (build + push "
        f"{course['build_and_push_s']} s, then the poll) | <= build + 2 s |",
        f"| push -> new container serving, poll every {poll['interval_s']} s | "
        f"{poll['push_to_serving_s']} s | | |",
    ]
    for burst in (results["burst"], results["crowd"]):
        who = "one sender" if burst["senders"] == 1 else f"{burst['senders']} senders at once"
        rows += [
            f"| burst of {burst['deliveries']} deliveries ({burst['distinct']} distinct commits), "
            f"{who} | answers {burst['answers']}; {burst['builds']} builds, "
            f"{burst['built_twice']} commits built twice, last commit live: "
            f"{burst['last_commit_live']} | | 0 lost, 0 built twice |",
            f"| time to answer a webhook, {who} | p50 {burst['answer_p50_ms']} ms, p99 "
            f"{burst['answer_p99_ms']} ms (in the server's own handler: "
            f"{burst.get('server_within_10ms', '?')} within 10 ms, "
            f"{burst.get('server_within_50ms', '?')} within 50 ms, of {burst['deliveries']}; "
            f"the burst took {burst.get('burst_wall_s', '?')} s, the server "
            f"{burst.get('server_cpu_s', '?')} s of CPU, the senders "
            f"{burst.get('senders_cpu_s', '?')} s) | | p99 < 50 ms |",
        ]
    rows += [
        f"| RSS idle (at start / after the run) | {rss['idle_start_mb']} / {rss['idle_after_mb']}"
        " MB | | <= 80 MB |",
        f"| RSS peak while building | {rss['building_peak_mb']} MB | | |",
    ]
    return "\n".join(rows)


def write_docs(results: dict[str, Any]) -> None:
    text = BENCHMARKS_DOC.read_text()
    body = (
        f"{SECTION}\n\n"
        f"`{COMMAND}` on the engine and registry of `scripts/provision`, a git server of the "
        "bench's own (`git daemon` on 127.0.0.1), a real `dockyard serve` with SQLite. The app is "
        "busybox httpd serving the commit's text; a push is measured until the container answers "
        "with the new text. The course's pipeline runs the same build as its CI job would "
        "(`docker build` + `docker push`), then `dockyard watch --interval 60` updates the "
        "container, as Watchtower does in the course; a single sample waits between 0 and 60 s "
        "for the next poll. Burst: each distinct delivery is sent ten times (replays and retries "
        "of one delivery id), interleaved, by one sender and then by 16 at once. Each sender "
        "keeps one keep-alive connection (the standard library's `http.client`) and sends "
        "requests signed before the clock starts, so the time is the server's: the senders' "
        "CPU over the burst is in the table. (Senders on httpx spent 4.4 ms of CPU per request; "
        "sixteen of them took 1.5 of the 2 cores and timed mostly themselves.)\n\n"
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
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--burst-only", action="store_true", help="run only the two bursts; write nothing"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dockyard-bench-serve-") as tmp:
        bench = Bench(Path(tmp))
        try:
            if args.burst_only:
                bench.run_bursts()
                return 0
            results = bench.run()
        except BaseException:
            log = Path(tmp) / "serve.log"
            if log.is_file():
                sys.stderr.write(
                    "serve.log (last lines):\n" + "".join(log.read_text().splitlines(True)[-30:])
                )
            raise
        finally:
            bench.cleanup()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2))
    print(render(results))
    if args.write_docs:
        write_docs(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
