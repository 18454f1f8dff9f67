"""`dockyard serve` in dockyard's own image, as the README's compose file runs it (the host's
socket and its group, host network, a state volume, the config mounted read-only): a signed
push builds, pushes and puts the new image on the app's container."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import socket
import subprocess
import uuid
from pathlib import Path

import docker
import docker.errors
import httpx

from tests.conftest import EngineUnderTest, TestEnv, wait_until
from tests.integration.selfimage.conftest import SelfImage

SOCKET_IN_CONTAINER = "/var/run/docker.sock"
DOCKERFILE = """\
FROM {base}
COPY index.html /www/index.html
USER 10001
ENV PORT=8080
CMD ["sh", "-c", "exec httpd -f -p 127.0.0.1:$PORT -h /www"]
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _served(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/", timeout=1).text.strip()
    except httpx.HTTPError:
        return ""


def test_serve_in_its_own_image_deploys_a_push(
    test_env: TestEnv,
    docker_client: docker.DockerClient,
    engine: EngineUnderTest,
    self_image: SelfImage,
    unique: str,
    tmp_path: Path,
) -> None:
    bare, work = tmp_path / "repos" / "app.git", tmp_path / "work"
    bare.parent.mkdir()
    _git("init", "-q", "--bare", "-b", "main", str(bare), cwd=tmp_path)
    work.mkdir()
    _git("init", "-q", "-b", "main", cwd=work)
    _git("config", "user.email", "test@example.com", cwd=work)
    _git("config", "user.name", "test", cwd=work)
    (work / "Dockerfile").write_text(DOCKERFILE.format(base=test_env.busybox))
    (work / "index.html").write_text("v1\n")
    _git("add", "-A", cwd=work)
    _git("commit", "-qm", "v1", cwd=work)
    _git("remote", "add", "origin", str(bare), cwd=work)
    _git("push", "-q", "origin", "main", cwd=work)
    git_port, app_port, listen = _free_port(), _free_port(), _free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={bare.parent}",
         "--listen=127.0.0.1", f"--port={git_port}", str(bare.parent)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    repository = f"{test_env.registry}/dockyard-self-serve-{unique}"
    app, server = f"dockyard-self-serve-app-{unique}", f"dockyard-self-serve-{unique}"
    volume = f"dockyard-self-serve-{unique}"
    secret = secrets.token_hex(16)
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "hook.secret").write_text(secret)
    (conf / "serve.yaml").write_text(
        json.dumps({
            "listen": f"127.0.0.1:{listen}",
            "state_dir": "/var/lib/dockyard/serve",
            "apps": {"web": {
                "repo": f"git://127.0.0.1:{git_port}/app.git",
                "image": repository,
                "webhook": {"provider": "github", "secret_file": "hook.secret"},
                "deploy": [{"container": app}],
                "watch_window": "2s",
            }},
        })
    )  # fmt: skip
    for path in (conf, *conf.iterdir()):
        os.chown(path, 10001, 10001)
    try:
        docker_client.images.build(path=str(work), tag=f"{repository}:main", rm=True)
        for line in docker_client.api.push(f"{repository}:main", stream=True, decode=True):
            assert "error" not in line, line
        docker_client.containers.run(
            f"{repository}:main", name=app, detach=True, network_mode="host", init=True,
            environment={"PORT": str(app_port)}, restart_policy={"Name": "unless-stopped"},
        )  # fmt: skip
        wait_until(lambda: _served(app_port) == "v1", timeout=30, what="v1 served")
        docker_client.containers.run(
            f"{self_image.repository}:latest",
            command=["serve", "--config", "/etc/dockyard/serve.yaml"],
            name=server,
            detach=True,
            network_mode="host",
            group_add=[str(os.stat(engine.socket_path).st_gid)],
            volumes={
                engine.socket_path: {"bind": SOCKET_IN_CONTAINER, "mode": "rw"},
                str(conf): {"bind": "/etc/dockyard", "mode": "ro"},
                volume: {"bind": "/var/lib/dockyard", "mode": "rw"},
            },
        )

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{listen}/healthz", timeout=1).is_success
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=60, what="serve answering in its container")
        (work / "index.html").write_text("v2\n")
        _git("commit", "-qam", "v2", cwd=work)
        _git("push", "-q", "origin", "main", cwd=work)
        commit = _git("rev-parse", "HEAD", cwd=work)
        raw = json.dumps({"ref": "refs/heads/main", "after": commit, "commits": []}).encode()
        answer = httpx.post(
            f"http://127.0.0.1:{listen}/hooks/web",
            content=raw,
            headers={
                "X-GitHub-Event": "push",
                "X-GitHub-Delivery": str(uuid.uuid4()),
                "X-Hub-Signature-256": "sha256="
                + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest(),
            },
        )
        assert answer.status_code == 202, answer.text

        wait_until(lambda: _served(app_port) == "v2", timeout=240, what="v2 deployed")
        running = docker_client.api.inspect_container(app)["Image"]
        labels = docker_client.api.inspect_image(running)["Config"]["Labels"]
        assert labels["org.opencontainers.image.revision"] == commit
        logs = docker_client.containers.get(server).logs().decode()
        assert secret not in logs
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        for name in (server, app):
            with contextlib.suppress(docker.errors.NotFound):
                docker_client.containers.get(name).remove(force=True)
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.volumes.get(volume).remove(force=True)
        for image in docker_client.images.list(name=repository):
            with contextlib.suppress(docker.errors.APIError):
                docker_client.images.remove(image.id, force=True)
