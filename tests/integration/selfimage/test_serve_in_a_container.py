"""`dockyard serve` in dockyard's own image, as the README's compose file runs it (the host's
socket and its group, host network, a state volume, the config mounted read-only): a signed
push builds, pushes and puts the new image on the app's container."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path

import docker
import docker.errors
import httpx

from tests.conftest import EngineUnderTest, TestEnv, wait_until
from tests.forge import GitServer, free_port, send_github_push
from tests.integration.selfimage.conftest import SelfImage

SOCKET_IN_CONTAINER = "/var/run/docker.sock"
DOCKERFILE = """\
FROM {base}
COPY index.html /www/index.html
USER 10001
ENV PORT=8080
CMD ["sh", "-c", "exec httpd -f -p 127.0.0.1:$PORT -h /www"]
"""


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
    forge = GitServer(tmp_path / "forge")
    forge.root.mkdir()
    forge.start({"Dockerfile": DOCKERFILE.format(base=test_env.busybox), "index.html": "v1\n"})
    app_port, listen = free_port(), free_port()
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
                "repo": forge.url,
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
        docker_client.images.build(path=str(forge.work), tag=f"{repository}:main", rm=True)
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
        commit = forge.commit({"index.html": "v2\n"}, message="v2")
        answer = send_github_push(
            f"http://127.0.0.1:{listen}/hooks/web", secret=secret, commit=commit
        )
        assert answer.status_code == 202, answer.text

        wait_until(lambda: _served(app_port) == "v2", timeout=240, what="v2 deployed")
        running = docker_client.api.inspect_container(app)["Image"]
        labels = docker_client.api.inspect_image(running)["Config"]["Labels"]
        assert labels["org.opencontainers.image.revision"] == commit
        logs = docker_client.containers.get(server).logs().decode()
        assert secret not in logs
    finally:
        forge.stop()
        for name in (server, app):
            with contextlib.suppress(docker.errors.NotFound):
                docker_client.containers.get(name).remove(force=True)
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.volumes.get(volume).remove(force=True)
        for image in docker_client.images.list(name=repository):
            with contextlib.suppress(docker.errors.APIError):
                docker_client.images.remove(image.id, force=True)
