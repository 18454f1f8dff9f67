"""dockyard on Docker Engine 28 with the containerd image store, beside 20.10.

scripts/provision --engine28 starts that engine; without it these tests fail, they never skip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TestEnv
from tests.integration.build.conftest import run_dockyard


def _engine28_host(test_env: TestEnv) -> str:
    if not test_env.engine28_host:
        pytest.fail("engine 28 is not running: run scripts/provision --engine28")
    return test_env.engine28_host


def _git_repo(path: Path, dockerfile: str) -> Path:
    path.mkdir()
    (path / "Dockerfile").write_text(dockerfile)
    for cmd in (
        ["git", "init", "-q"],
        ["git", "add", "."],
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init"],
    ):
        subprocess.run(cmd, cwd=path, check=True)
    return path


def test_engine28_reports_a_current_version_and_the_containerd_store(test_env: TestEnv) -> None:
    host = _engine28_host(test_env)
    out = subprocess.run(
        ["docker", "-H", host, "info", "--format", "{{.ServerVersion}} {{json .DriverStatus}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(f"engine 28: {out.strip()}", file=sys.stderr)
    assert out.startswith("28.")
    assert "io.containerd.snapshotter" in out


def test_build_sends_heredocs_as_written_and_the_image_runs(
    tmp_path: Path, test_env: TestEnv, unique: str
) -> None:
    host = _engine28_host(test_env)
    registry = test_env.registry
    repo = _git_repo(
        tmp_path / "app",
        f"FROM {test_env.busybox}\n"
        "RUN <<EOF\necho from-a-heredoc > /hello\nEOF\n"
        'CMD ["cat", "/hello"]\n',
    )
    image = f"{registry}/engine28-{unique}"
    built = run_dockyard(
        "-v", "build", str(repo), "--image", image, "--push", "--json", env={"DOCKER_HOST": host}
    )
    assert built.code == 0, built.stderr
    assert "sent as written" in built.stderr
    assert "rewritten" not in built.stderr
    report = built.json
    assert report["digest"].startswith("sha256:")
    ran = subprocess.run(
        ["docker", "-H", host, "run", "--rm", f"{image}:latest"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout == "from-a-heredoc\n"

    inspected = run_dockyard(
        "inspect", "--json", "--source", "engine", f"{image}:latest", env={"DOCKER_HOST": host}
    )
    assert inspected.code == 0, inspected.stderr
    figures = inspected.json
    made = [layer for layer in figures["layers"] if not layer["empty"]]
    assert "from-a-heredoc" in made[-1]["created_by"]
    assert figures["size_bytes"] > 0
