"""BuildKit's own build checks (``docker buildx build --call=check`` on Engine 28) find nothing
in any Dockerfile `dockyard init` writes: a second opinion beside `dockyard lint`.

Needs ``scripts/provision --engine28`` (the engine, Debian's buildx plugin, and the local bases
copied over); without them these tests fail, they never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TestEnv
from tests.integration.scaffold.test_init_builds import BUILD_ARGS, SAMPLES

BUILDX = Path("/var/cache/dockyard/engine28/root/usr/libexec/docker/cli-plugins/docker-buildx")


@pytest.mark.parametrize("sample", sorted(BUILD_ARGS))
def test_buildkit_checks_warn_about_nothing(tmp_path: Path, test_env: TestEnv, sample: str) -> None:
    if not test_env.engine28_host or not BUILDX.is_file():
        pytest.fail("engine 28 or its buildx plugin is missing: run scripts/provision --engine28")
    project = tmp_path / sample
    shutil.copytree(SAMPLES / sample, project)
    init = subprocess.run(
        [sys.executable, "-m", "dockyard", "init", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    argv = [str(BUILDX), "build", "--call=check,format=json"]
    for name, value in BUILD_ARGS[sample].items():
        argv += ["--build-arg", f"{name}={value}"]
    run = subprocess.run(
        [*argv, str(project)],
        env={**os.environ, "DOCKER_HOST": test_env.engine28_host},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        result = json.loads(run.stdout)
    except ValueError:
        pytest.fail(f"buildx --check gave no JSON (exit {run.returncode}): {run.stderr[-2000:]}")
    assert not result.get("buildError"), result["buildError"]
    assert [w["ruleName"] for w in result.get("warnings") or []] == []
