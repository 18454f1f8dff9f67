"""The course's exercise, end to end: dockyard's own image, built by dockyard, runs `dockyard
build` inside a container with the host's Docker socket mounted and pushes to the registry."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docker
import httpx

from tests.conftest import TestEnv

ROOT = Path(__file__).resolve().parents[3]
DOCKYARD = str(Path(sys.executable).with_name("dockyard"))
SOCKET = "/var/run/docker.sock"
MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return result.stdout.strip()


def _commit_all(repo: Path) -> str:
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "initial")
    return _git(repo, "rev-parse", "HEAD")


def _registry_digest(registry: str, repository: str, tag: str) -> str:
    response = httpx.head(
        f"http://{registry}/v2/{repository}/manifests/{tag}",
        headers={"Accept": MANIFEST_TYPES},
        timeout=10,
    )
    response.raise_for_status()
    return response.headers["Docker-Content-Digest"]


def _self_context(tmp_path: Path) -> Path:
    context = tmp_path / "dockyard-src"
    context.mkdir()
    for name in ("pyproject.toml", "README.md", "Dockerfile", ".dockerignore"):
        shutil.copy2(ROOT / name, context / name)
    shutil.copytree(ROOT / "src", context / "src", ignore=shutil.ignore_patterns("__pycache__"))
    wheelhouse = subprocess.run(
        [str(ROOT / "scripts" / "wheelhouse")], check=True, capture_output=True, text=True
    ).stdout.strip()
    shutil.copytree(wheelhouse, context / "wheelhouse")
    _commit_all(context)
    return context


def _sample_app(tmp_path: Path, base: str) -> tuple[Path, str]:
    app = tmp_path / "app"
    app.mkdir()
    (app / "Dockerfile").write_text(
        f"FROM {base}\n"
        "COPY message.txt /message.txt\n"
        "USER 1000:1000\n"
        'CMD ["cat", "/message.txt"]\n'
    )
    (app / "message.txt").write_text("built by dockyard inside a container\n")
    revision = _commit_all(app)
    # The container's user owns nothing on the host; let it read the repository.
    for path in [app, *app.rglob("*")]:
        os.chown(path, 10001, 10001)
    return app, revision


def test_dockyard_builds_and_pushes_from_inside_its_own_container(
    test_env: TestEnv, docker_client: docker.DockerClient, unique: str, tmp_path: Path
) -> None:
    self_image = f"{test_env.registry}/dockyard-self-{unique}"
    inner_repository = f"inner-{unique}"
    created: list[str] = []
    try:
        built = subprocess.run(
            [
                DOCKYARD, "build", str(_self_context(tmp_path)), "--image", self_image,
                "--build-arg", f"BASE_IMAGE={test_env.python}",
                "--build-arg", "PIP_NO_INDEX=1",
                "--build-arg", "PIP_FIND_LINKS=/src/wheelhouse",
                "--network", "host", "--json",
            ],
            check=False, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
        self_tags = json.loads(built.stdout)["tags"]
        created += [f"{self_image}:{tag}" for tag in self_tags]
        app, revision = _sample_app(tmp_path, test_env.busybox)

        output = docker_client.containers.run(
            f"{self_image}:latest",
            command=[
                "build", "file:///repo", "--image", f"{test_env.registry}/{inner_repository}",
                "--push", "--json",
            ],
            volumes={
                SOCKET: {"bind": SOCKET, "mode": "rw"},
                str(app): {"bind": "/repo", "mode": "ro"},
            },
            group_add=[str(os.stat(SOCKET).st_gid)],
            network_mode="host",
            remove=True,
            stdout=True,
            stderr=False,
        )  # fmt: skip
        result = json.loads(output)
        created += [f"{test_env.registry}/{inner_repository}:{tag}" for tag in result["tags"]]

        assert result["revision"] == revision
        assert f"sha-{revision[:7]}" in result["tags"]
        assert "latest" in result["tags"]
        for tag in (f"sha-{revision[:7]}", "latest"):
            assert _registry_digest(test_env.registry, inner_repository, tag) == result["digest"]
        ran = docker_client.containers.run(
            f"{test_env.registry}/{inner_repository}:latest", remove=True, network_mode="none"
        )
        assert ran.decode() == "built by dockyard inside a container\n"
    finally:
        for ref in created:
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(ref, force=True)
