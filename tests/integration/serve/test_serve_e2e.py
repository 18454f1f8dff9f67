"""``dockyard serve`` end to end, as a user runs it: a real git repository served by ``git daemon``
on 127.0.0.1, a real ``dockyard serve`` subprocess on SQLite, signed webhooks POSTed to it, the
build pushed to the real registry at 127.0.0.1:5000 and read back through the API; then SIGKILL
right after a 202 and a restart: the delivery is carried out, once."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors
import httpx
import pytest

from tests.conftest import TestEnv
from tests.integration.serve.conftest import Postgres, free_port

SECRET = "e2e-webhook-secret"
WAIT_S = 180


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _wait(what: str, probe: Callable[[], Any], timeout: float = WAIT_S) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@dataclass
class Forge:
    """A bare repository served over git://, and a work tree that pushes to it."""

    work: Path
    bare: Path
    url: str

    def commit(self, message: str, files: dict[str, str]) -> str:
        for name, text in files.items():
            (self.work / name).write_text(text)
        _git(self.work, "add", "-A")
        _git(self.work, "commit", "-q", "-m", message)
        _git(self.work, "push", "-q", str(self.bare), "HEAD:main")
        return _git(self.work, "rev-parse", "HEAD")


@pytest.fixture
def forge(tmp_path: Path) -> Iterator[Forge]:
    root = tmp_path / "git"
    bare = root / "app.git"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    port = free_port()
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            f"--base-path={root}",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield Forge(work=work, bare=bare, url=f"git://127.0.0.1:{port}/app.git")
    finally:
        daemon.terminate()
        daemon.wait(10)


def _children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Server:
    config: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    token: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, WEB_SECRET=SECRET, **self.env)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dockyard", "-v", "serve", "--config", str(self.config)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait("the server to answer /healthz", self._healthy, timeout=30)

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"dockyard serve exited: {self.log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(self.base + "/healthz", timeout=2).status_code == 200
        return False

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                return self.process.wait(60)
            self.process.kill()
        return self.process.wait(10)

    def hook(
        self, payload: dict[str, Any], *, delivery: str, secret: str = SECRET
    ) -> httpx.Response:
        raw = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        return httpx.post(
            self.base + "/hooks/web",
            content=raw,
            headers={
                "X-GitHub-Event": "push",
                "X-GitHub-Delivery": delivery,
                "X-Hub-Signature-256": signature,
                "Content-Type": "application/json",
            },
            timeout=10,
        )

    def build_log(self, build_id: int) -> str:
        return httpx.get(
            f"{self.base}/api/v1/builds/{build_id}/log",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        ).text

    def get(self, path: str) -> Any:
        response = httpx.get(
            self.base + path, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()


def _push(commit: str) -> dict[str, Any]:
    head = {"id": commit, "message": "change", "added": [], "removed": [], "modified": ["x"]}
    return {"ref": "refs/heads/main", "after": commit, "commits": [head], "head_commit": head}


def _remove_images(docker_client: docker.DockerClient, repository: str) -> None:
    for image in docker_client.images.list():
        for tag in [*image.tags, *(image.attrs.get("RepoDigests") or [])]:
            if tag.startswith((repository + ":", repository + "@")):
                with contextlib.suppress(docker.errors.APIError):
                    docker_client.images.remove(tag, force=True)


@pytest.fixture
def server(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
) -> Iterator[Server]:
    try:
        yield from _server(tmp_path, forge, test_env, unique, extra="")
    finally:
        _remove_images(docker_client, f"{test_env.registry}/dockyard-serve-e2e-{unique}")


def _server(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    *,
    extra: str,
    app_extra: str = "",
    registry: str = "",
) -> Iterator[Server]:
    port = free_port()
    config = tmp_path / "serve.yaml"
    image = f"{registry or test_env.registry}/dockyard-serve-e2e-{unique}"
    config.write_text(
        f"listen: 127.0.0.1:{port}\n"
        f"state_dir: {tmp_path / 'state'}\n" + extra + "apps:\n"
        "  web:\n"
        f"    repo: {forge.url}\n"
        f"    image: {image}\n"
        "    webhook: {provider: github, secret_env: WEB_SECRET}\n" + app_extra
    )
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockyard",
            "serve",
            "token",
            "create",
            "e2e",
            "--scope",
            "read",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    running = Server(config=config, port=port, log=tmp_path / "serve.log")
    running.token = made.stdout.strip().splitlines()[-1]
    assert running.token.startswith("dy_")
    try:
        yield running
    finally:
        if running.process is not None:
            running.stop()


def _dockerfile(test_env: TestEnv, marker: str) -> dict[str, str]:
    return {
        "Dockerfile": f"FROM {test_env.busybox}\nUSER 65534\n"
        f'CMD ["sh", "-c", "echo {marker}; exec sleep 3600"]\n',
    }


def _final_builds(server: Server) -> list[dict[str, Any]]:
    builds: list[dict[str, Any]] = server.get("/api/v1/apps/web/builds")
    finals = {"live", "failed", "rolled_back", "skipped"}
    return builds if builds and all(b["status"] in finals for b in builds) else []


def test_a_signed_push_is_built_and_pushed_and_replays_and_forgeries_build_nothing(
    server: Server, forge: Forge, test_env: TestEnv
) -> None:
    commit = forge.commit("one", _dockerfile(test_env, "one"))
    server.start()
    first = server.hook(_push(commit), delivery="e2e-1")
    assert (first.status_code, first.json()) == (
        202,
        {"status": "queued", "delivery": "github:e2e-1"},
    )
    replay = server.hook(_push(commit), delivery="e2e-1")
    assert (replay.status_code, replay.json()["status"]) == (200, "duplicate")
    forged = server.hook(_push(commit), delivery="e2e-2", secret="not-the-secret")
    assert (forged.status_code, forged.json()) == (401, {"error": "the signature does not match"})

    (build,) = _wait("the build to finish", lambda: _final_builds(server))
    assert (build["status"], build["reason"]) == (
        "live",
        "no deploy targets: built and pushed only",
    )
    assert build["commit"] == commit
    assert build["delivery"] == "github:e2e-1"
    assert build["digest"].startswith("sha256:")
    assert build["size_bytes"] > 0
    # The registry serves what the build record says was pushed.
    image = server.config.read_text().split("image: ")[1].split("\n")[0]
    repository = image.removeprefix(test_env.registry + "/")
    served = httpx.head(
        f"http://{test_env.registry}/v2/{repository}/manifests/{build['digest']}",
        headers={
            "Accept": "application/vnd.docker.distribution.manifest.v2+json,"
            "application/vnd.oci.image.manifest.v1+json,"
            "application/vnd.oci.image.index.v1+json"
        },
    )
    assert served.status_code == 200
    log = server.build_log(build["id"])
    assert commit[:12] in log
    assert server.stop() == 0


def test_sigkill_after_202_loses_nothing_and_builds_once(
    server: Server, forge: Forge, test_env: TestEnv
) -> None:
    commit = forge.commit("one", _dockerfile(test_env, "killed"))
    server.start()
    answer = server.hook(_push(commit), delivery="e2e-kill")
    assert answer.status_code == 202
    server.kill()  # right after the answer: queued, or building, never finished

    server.start()
    (build,) = _wait("the recovered build to finish", lambda: _final_builds(server))
    assert (build["status"], build["commit"], build["delivery"]) == (
        "live",
        commit,
        "github:e2e-kill",
    )
    again = server.hook(_push(commit), delivery="e2e-kill")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert len(server.get("/api/v1/apps/web/builds")) == 1


@pytest.fixture
def polled_on_postgres(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    postgres: Postgres,
    docker_client: docker.DockerClient,
) -> Iterator[Server]:
    database = postgres.url(postgres.create_database()).replace("+psycopg", "")
    try:
        yield from _server(
            tmp_path,
            forge,
            test_env,
            unique,
            extra=f"database: {database}\n",
            app_extra="    poll: 1s\n    paths: [Dockerfile, 'web/**']\n",
        )
    finally:
        _remove_images(docker_client, f"{test_env.registry}/dockyard-serve-e2e-{unique}")


def test_poll_builds_each_new_head_under_the_apps_paths_without_any_webhook_on_postgresql(
    polled_on_postgres: Server, forge: Forge, test_env: TestEnv
) -> None:
    server = polled_on_postgres
    first = forge.commit("one", _dockerfile(test_env, "one"))
    server.start()
    (build,) = _wait("the polled build", lambda: _final_builds(server))
    assert (build["commit"], build["trigger"], build["status"]) == (first, "poll", "live")
    assert build["delivery"] == f"poll:web:{first}"
    second = forge.commit("two", _dockerfile(test_env, "two"))
    newest, older = _wait(
        "the second polled build",
        lambda: len(builds := _final_builds(server)) == 2 and builds,
    )
    assert (newest["commit"], older["commit"]) == (second, first)
    assert newest["status"] == "live"
    # A commit that changes no file under the app's paths: git is asked what changed, and the
    # polled head is not built.
    third = forge.commit("notes", {"NOTES.md": "not part of the image\n"})
    skipped = (
        f"delivery poll:web:{third}: done "
        f"(no changed file since {second[:12]} matches the app's paths)"
    )
    _wait("the third head to be passed over", lambda: skipped in server.log.read_text())
    assert [b["commit"] for b in server.get("/api/v1/apps/web/builds")] == [second, first]
    assert server.stop() == 0


@contextlib.contextmanager
def _app_container(
    docker_client: docker.DockerClient,
    test_env: TestEnv,
    *,
    repository: str,
    name: str,
    auth: dict[str, str] | None = None,
    restart: str | None = None,
    command_in_image: bool = False,
) -> Iterator[None]:
    """What runs before: the app's image (its tag the targets follow, as the busybox base)
    pushed to ``repository`` and a container ``name`` of it; both removed after.

    ``command_in_image``: the image's own CMD runs, not one given to the container (a command
    given to a container is kept by a redeploy, so a new image's CMD would never run)."""
    command: list[str] | None = ["sleep", "3600"]
    if command_in_image:
        dockerfile = f'FROM {test_env.busybox}\nUSER 65534\nCMD ["sleep", "3600"]\n'
        docker_client.images.build(
            fileobj=io.BytesIO(dockerfile.encode()), tag=f"{repository}:main", rm=True
        )
        command = None
    else:
        docker_client.images.get(test_env.busybox).tag(repository, "main")
    docker_client.images.push(repository, tag="main", auth_config=auth)
    if command_in_image:  # run what the registry serves, pulled, as a host runs its services
        docker_client.images.remove(f"{repository}:main", force=True)
        docker_client.images.pull(repository, tag="main", auth_config=auth)
    docker_client.containers.run(
        f"{repository}:main",
        command,
        name=name,
        detach=True,
        restart_policy={"Name": restart} if restart else None,
    )
    try:
        yield
    finally:
        for container in docker_client.containers.list(all=True, filters={"name": name}):
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
        _remove_images(docker_client, repository)


def _app_digest(server: Server, docker_client: docker.DockerClient, container: str) -> str:
    """The digest, in the app's repository, of the image ``container`` runs."""
    image = server.config.read_text().split("image: ")[1].split("\n")[0]
    running = docker_client.images.get(docker_client.containers.get(container).attrs["Image"])
    (digest,) = {
        ref.split("@", 1)[1] for ref in running.attrs["RepoDigests"] if ref.startswith(image + "@")
    }
    return digest


def _wait_for_watching(server: Server) -> dict[str, Any]:
    """The app's one build, once it is in its watch window (failing if it ends first)."""

    def watching() -> list[dict[str, Any]]:
        builds: list[dict[str, Any]] = server.get("/api/v1/apps/web/builds")
        if builds and builds[0]["status"] in ("failed", "rolled_back", "live"):
            pytest.fail(f"the build ended before the watch window: {builds[0]}")
        return [b for b in builds if b["status"] == "watching"]

    (build,) = _wait("the build to reach its watch window", watching)
    return build


def _running_digests(docker_client: docker.DockerClient, container: str) -> list[str]:
    """The registry digests of the image ``container`` runs."""
    image = docker_client.images.get(docker_client.containers.get(container).attrs["Image"])
    return [d.split("@", 1)[1] for d in image.attrs["RepoDigests"]]


@pytest.fixture
def deployed(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
) -> Iterator[tuple[Server, str]]:
    name = f"dockyard-serve-e2e-{unique}"
    repository = f"{test_env.registry}/dockyard-serve-e2e-{unique}"
    with _app_container(docker_client, test_env, repository=repository, name=name):
        yield from (
            (server, name)
            for server in _server(
                tmp_path,
                forge,
                test_env,
                unique,
                extra="",
                app_extra=f"    deploy: [{{container: {name}}}]\n    watch_window: 20s\n",
            )
        )


def test_sigkill_in_the_watch_window_resumes_the_same_build_to_live(
    deployed: tuple[Server, str],
    forge: Forge,
    test_env: TestEnv,
    docker_client: docker.DockerClient,
) -> None:
    server, container = deployed
    commit = forge.commit("one", _dockerfile(test_env, "watched"))
    server.start()
    assert server.hook(_push(commit), delivery="e2e-watch").status_code == 202

    before = _wait_for_watching(server)
    server.kill()

    server.start()
    (after,) = _wait("the resumed build to finish", lambda: _final_builds(server))
    assert (after["id"], after["status"], after["commit"]) == (before["id"], "live", commit)
    log = server.build_log(after["id"])
    assert "dockyard serve restarted during watching: resumed" in log
    assert after["digest"] in _running_digests(docker_client, container)
    assert docker_client.containers.get(container).status == "running"


@pytest.fixture
def private(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
) -> Iterator[tuple[Server, str]]:
    """An app whose image lives on the registry with basic auth (127.0.0.1:5001), deployed to a
    container; serve gets the login as REPO_USER/REPO_PASS and an empty docker config."""
    name = f"dockyard-serve-private-{unique}"
    repository = f"{test_env.auth_registry}/dockyard-serve-e2e-{unique}"
    auth = {"username": test_env.auth_user, "password": test_env.auth_password}
    empty_config = tmp_path / "docker-config"
    empty_config.mkdir()
    with _app_container(docker_client, test_env, repository=repository, name=name, auth=auth):
        for server in _server(
            tmp_path,
            forge,
            test_env,
            unique,
            extra="",
            app_extra=f"    deploy: [{{container: {name}}}]\n    watch_window: 5s\n",
            registry=test_env.auth_registry,
        ):
            server.env = {
                "DOCKER_CONFIG": str(empty_config),
                "REPO_USER": test_env.auth_user,
                "REPO_PASS": test_env.auth_password,
            }
            yield server, name


def test_an_app_on_a_private_registry_is_pushed_and_deployed_with_the_login_from_the_environment(
    private: tuple[Server, str],
    forge: Forge,
    test_env: TestEnv,
    docker_client: docker.DockerClient,
) -> None:
    server, container = private
    commit = forge.commit("private", _dockerfile(test_env, "private"))
    server.start()
    assert server.hook(_push(commit), delivery="e2e-private").status_code == 202
    (build,) = _wait("the build to finish", lambda: _final_builds(server))
    log = server.build_log(build["id"])
    assert (build["status"], build["commit"]) == ("live", commit), log
    (deployment,) = server.get("/api/v1/apps/web/deployments")
    assert (deployment["status"], deployment["digest"]) == ("live", build["digest"])
    assert build["digest"] in _running_digests(docker_client, container)
    assert docker_client.containers.get(container).status == "running"
    assert server.stop() == 0
    assert test_env.auth_password not in log + server.log.read_text()


def test_sigkill_while_building_retries_the_same_build_to_live_once(
    server: Server, forge: Forge, test_env: TestEnv
) -> None:
    # A RUN long enough that the kill lands inside the building stage, and of its own (a RUN
    # BuildKit has seen before would come from its cache at once).
    files = _dockerfile(test_env, "slow")
    run = f"RUN sleep 6 && echo {uuid.uuid4().hex}\n"
    files["Dockerfile"] = files["Dockerfile"].replace("USER 65534\n", run + "USER 65534\n")
    commit = forge.commit("slow", files)
    server.start()
    assert server.hook(_push(commit), delivery="e2e-building").status_code == 202

    def building() -> list[dict[str, Any]]:
        builds: list[dict[str, Any]] = server.get("/api/v1/apps/web/builds")
        if builds and builds[0]["status"] not in ("queued", "building"):
            pytest.fail(f"the build left its building stage before the kill: {builds[0]}")
        return [b for b in builds if b["status"] == "building"]

    (before,) = _wait("the build to start building", building)
    time.sleep(1)  # into the RUN step (BuildKit has the context by now)
    assert server.process is not None
    (child,) = _children(server.process.pid)  # the build runs in a process of its own
    assert "dockyard.serve._child" in Path(f"/proc/{child}/cmdline").read_text()
    server.kill()
    # It dies with the server: no orphan build goes on beside the retry of the next start.
    _wait("the build's process to end with the server", lambda: not _alive(child))

    server.start()
    (after,) = _wait("the retried build to finish", lambda: _final_builds(server))
    assert (after["id"], after["status"], after["commit"]) == (before["id"], "live", commit)
    log = server.build_log(after["id"])
    assert "dockyard serve restarted during building: retried" in log
    assert after["digest"].startswith("sha256:")
    assert server.stop() == 0


@dataclass
class NotifyingRegistry:
    """A distribution registry of the test's own whose notifications go to serve's hook; its
    log shows what it sent."""

    log: Path


@contextlib.contextmanager
def _notifying_registry(
    root: Path, *, port: int, hook: str, token: str
) -> Iterator[NotifyingRegistry]:
    data = root / "registry-data"
    data.mkdir(parents=True)
    config = root / "registry.yml"
    config.write_text(
        "version: 0.1\n"
        "log: {level: info}\n"
        f"storage: {{filesystem: {{rootdirectory: {data}}}, delete: {{enabled: true}}}}\n"
        f"http: {{addr: '127.0.0.1:{port}', secret: notify-test}}\n"
        "notifications:\n"
        "  endpoints:\n"
        "    - name: dockyard-serve\n"
        f"      url: {hook}\n"
        f"      headers: {{Authorization: ['Bearer {token}']}}\n"
        "      timeout: 5s\n"
        "      threshold: 3\n"
        "      backoff: 1s\n"
    )
    log = root / "registry.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["docker-registry", "serve", str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    try:

        def answers() -> bool:
            if process.poll() is not None:
                pytest.fail(f"docker-registry exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(f"http://127.0.0.1:{port}/v2/", timeout=2).status_code == 200
            return False

        _wait("the notifying registry to answer", answers, timeout=30)
        yield NotifyingRegistry(log=log)
    finally:
        process.terminate()
        process.wait(10)


def _create_token(config: Path, name: str, scope: str) -> str:
    command = ["serve", "token", "create", name, "--scope", scope, "--config", str(config)]
    made = subprocess.run(
        [sys.executable, "-m", "dockyard", *command],
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().splitlines()[-1]


def test_a_push_by_ci_to_a_registry_that_notifies_serve_is_deployed_by_digest(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
) -> None:
    """The course's own setup with serve in Watchtower's place: CI builds and pushes; the
    registry's notification (not a poll) makes this host deploy the pushed digest."""
    name = f"dockyard-serve-notified-{unique}"
    port, registry_port = free_port(), free_port()
    repository = f"127.0.0.1:{registry_port}/dockyard-serve-notified-{unique}"
    config = tmp_path / "serve.yaml"
    config.write_text(
        f"listen: 127.0.0.1:{port}\n"
        f"state_dir: {tmp_path / 'state'}\n"
        "apps:\n"
        "  web:\n"
        f"    repo: {forge.url}\n"
        f"    image: {repository}\n"
        f"    deploy: [{{container: {name}}}]\n"
        "    watch_window: 3s\n"
    )
    deploy_token = _create_token(config, "registry", "deploy")
    hook = f"http://127.0.0.1:{port}/hooks/registry"
    with _notifying_registry(tmp_path, port=registry_port, hook=hook, token=deploy_token):
        server = Server(config=config, port=port, log=tmp_path / "serve.log")
        server.token = _create_token(config, "reader", "read")
        server.start()
        try:
            with _app_container(docker_client, test_env, repository=repository, name=name):
                # the setup's own push is notified too: the digest the container already runs
                (first,) = _wait("the first notification", lambda: _final_builds(server))
                assert (first["trigger"], first["status"]) == ("image", "live"), first
                # CI: a new image of the tag the container follows, built and pushed
                dockerfile = f"FROM {test_env.busybox}\nLABEL ci.run={uuid.uuid4().hex}\n"
                docker_client.images.build(
                    fileobj=io.BytesIO(dockerfile.encode()), tag=f"{repository}:main", rm=True
                )
                pushed = docker_client.images.push(repository, tag="main")
                assert '"error"' not in pushed, pushed
                digest = docker_client.images.get_registry_data(f"{repository}:main").id
                newest, _first = _wait(
                    "the pushed digest's deployment",
                    lambda: len(builds := _final_builds(server)) == 2 and builds,
                )
                log = server.build_log(newest["id"])
                assert (newest["trigger"], newest["status"], newest["digest"]) == (
                    "image",
                    "live",
                    digest,
                ), log
                assert newest["delivery"].startswith("registry:")
                deployments = server.get("/api/v1/apps/web/deployments")
                assert (deployments[0]["status"], deployments[0]["digest"]) == ("live", digest)
                assert digest in _running_digests(docker_client, name)
                assert docker_client.containers.get(name).status == "running"
        finally:
            server.stop()
    assert deploy_token not in server.log.read_text()


def _deployed_app(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
    *,
    window: str,
    restart: str | None = None,
) -> Iterator[tuple[Server, str]]:
    name = f"dockyard-serve-app-{unique}"
    repository = f"{test_env.registry}/dockyard-serve-e2e-{unique}"
    with _app_container(
        docker_client,
        test_env,
        repository=repository,
        name=name,
        restart=restart,
        command_in_image=True,
    ):
        for server in _server(
            tmp_path,
            forge,
            test_env,
            unique,
            extra="",
            app_extra=f"    deploy: [{{container: {name}}}]\n    watch_window: {window}\n",
        ):
            yield server, name


@pytest.fixture
def deployed_briefly(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
) -> Iterator[tuple[Server, str]]:
    yield from _deployed_app(tmp_path, forge, test_env, unique, docker_client, window="3s")


def test_sigkill_while_a_container_is_swapped_rolls_the_swap_back_then_deploys_it_again(
    deployed_briefly: tuple[Server, str],
    forge: Forge,
    test_env: TestEnv,
    docker_client: docker.DockerClient,
) -> None:
    server, container = deployed_briefly
    before_id = docker_client.containers.get(container).id
    # The new container turns healthy only after 8 s (when its shell has become sleep): the
    # swap waits for it, its journal open.
    files = {
        "Dockerfile": f"FROM {test_env.busybox}\nUSER 65534\n"
        "HEALTHCHECK --interval=1s --start-period=120s CMD grep -qx sleep /proc/1/comm\n"
        'CMD ["sh", "-c", "sleep 8; exec sleep 3600"]\n'
    }
    commit = forge.commit("swap", files)
    server.start()
    assert server.hook(_push(commit), delivery="e2e-swap").status_code == 202

    def new_container_confirming() -> bool:
        builds = server.get("/api/v1/apps/web/builds")
        early = ("queued", "building", "gating", "pushing", "deploying")
        if builds and builds[0]["status"] not in early:
            pytest.fail(f"the build left deploying before the kill: {builds[0]}")
        with contextlib.suppress(docker.errors.NotFound):
            return docker_client.containers.get(container).id != before_id
        return False

    _wait("the new container to start and be confirmed", new_container_confirming)
    (before,) = server.get("/api/v1/apps/web/builds")
    assert before["status"] == "deploying"
    server.kill()

    server.start()
    (after,) = _wait("the resumed deploy to finish", lambda: _final_builds(server))
    log = server.build_log(after["id"])
    assert (after["id"], after["status"], after["commit"]) == (before["id"], "live", commit), log
    assert "dockyard serve restarted during deploying: resumed" in log
    assert f"deploy recovery: {container}" in server.log.read_text()
    assert after["digest"] in _running_digests(docker_client, container)
    running = docker_client.containers.get(container)
    assert (running.status, running.attrs["State"]["Health"]["Status"]) == ("running", "healthy")
    # the old container, set aside during the swap, is gone: one container of the app is left
    left = docker_client.containers.list(all=True, filters={"name": container})
    assert [c.name for c in left] == [container]
    assert server.stop() == 0


@pytest.fixture
def watched_service(
    tmp_path: Path,
    forge: Forge,
    test_env: TestEnv,
    unique: str,
    docker_client: docker.DockerClient,
) -> Iterator[tuple[Server, str]]:
    """A container that restarts on failure, as services run, and a 20 s watch window."""
    yield from _deployed_app(
        tmp_path, forge, test_env, unique, docker_client, window="20s", restart="on-failure"
    )


def test_a_pushed_image_that_crashes_inside_the_watch_window_is_rolled_back(
    watched_service: tuple[Server, str],
    forge: Forge,
    test_env: TestEnv,
    docker_client: docker.DockerClient,
) -> None:
    server, container = watched_service
    old = _app_digest(server, docker_client, container)
    # Up past the deploy's own 5 s confirmation, then down inside the window.
    files = {
        "Dockerfile": f"FROM {test_env.busybox}\nUSER 65534\n"
        f'CMD ["sh", "-c", "echo {uuid.uuid4().hex}; sleep 8; exit 3"]\n'
    }
    commit = forge.commit("crashes", files)
    server.start()
    assert server.hook(_push(commit), delivery="e2e-crash").status_code == 202
    (build,) = _wait("the build to finish", lambda: _final_builds(server))
    log = server.build_log(build["id"])
    assert (build["status"], build["commit"]) == ("rolled_back", commit), (build["reason"], log)
    assert "restarted" in build["reason"]
    assert build["reason"].endswith(f"rolled back to {old}")
    (deployment,) = server.get("/api/v1/apps/web/deployments")
    assert (deployment["status"], deployment["digest"]) == ("rolled_back", build["digest"])
    assert deployment["reason"] == build["reason"]
    assert old in _running_digests(docker_client, container)
    assert build["digest"] not in _running_digests(docker_client, container)
    assert docker_client.containers.get(container).status == "running"
    assert server.stop() == 0


def test_sigkill_in_the_first_deployments_window_still_rolls_a_crashing_image_back(
    watched_service: tuple[Server, str],
    forge: Forge,
    test_env: TestEnv,
    docker_client: docker.DockerClient,
) -> None:
    """Nothing of the app is live in the store yet: what the targets ran before the deploy is
    known only from what the window kept when it opened."""
    server, container = watched_service
    old = _app_digest(server, docker_client, container)
    files = {
        "Dockerfile": f"FROM {test_env.busybox}\nUSER 65534\n"
        f'CMD ["sh", "-c", "echo {uuid.uuid4().hex}; sleep 8; exit 3"]\n'
    }
    commit = forge.commit("crashes later", files)
    server.start()
    assert server.hook(_push(commit), delivery="e2e-window-kill").status_code == 202

    before = _wait_for_watching(server)
    server.kill()

    server.start()
    (after,) = _wait("the resumed build to finish", lambda: _final_builds(server))
    log = server.build_log(after["id"])
    assert (after["id"], after["status"]) == (before["id"], "rolled_back"), log
    assert "dockyard serve restarted during watching: resumed" in log
    assert after["reason"].endswith(f"rolled back to {old}"), after["reason"]
    assert old in _running_digests(docker_client, container)
    assert after["digest"] not in _running_digests(docker_client, container)
    assert server.stop() == 0
