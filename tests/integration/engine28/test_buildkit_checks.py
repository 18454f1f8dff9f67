"""dockyard lint's BuildKit checks agree with ``docker buildx build --check`` on Engine 28, file by
file (check names and lines, and on those the message, documentation URL and level), over our case
files in ``tests/data/buildkit-checks/``.

The reference is Debian's docker-buildx plugin that ``scripts/provision --engine28`` unpacks, run
against that engine (its built-in frontend, BuildKit v0.25). The case files name only
``local/busybox:1`` (which provision copies to Engine 28) and ``scratch``, so nothing is looked up
outside the machine. Without the engine or the plugin these tests fail, they never skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TestEnv
from tests.integration.build.conftest import run_dockyard

CASES = Path(__file__).resolve().parents[2] / "data/buildkit-checks"
BUILDX = Path("/var/cache/dockyard/engine28/root/usr/libexec/docker/cli-plugins/docker-buildx")
# Case files may pass build arguments, as BuildKit's own lint tests do.
_BUILD_ARG = re.compile(r"^#[ \t]*bench:[ \t]*build-arg[ \t]+(\w+)=(\S*)[ \t]*$", re.MULTILINE)

Hit = tuple[str, int, str, str]  # check, line, message, url


# dockyard does not implement InvalidBaseImagePlatform (it reads no images); its cases exist for
# bench/buildkit_checks.py, which measures that gap, and need an arm64 image the bench imports.
NOT_IMPLEMENTED = {"InvalidBaseImagePlatform"}


def _case_files() -> list[Path]:
    files = []
    for check in sorted(p for p in CASES.iterdir() if p.is_dir() and p.name not in NOT_IMPLEMENTED):
        for entry in sorted(check.iterdir()):
            if entry.is_dir() and (entry / "Dockerfile").is_file():
                files.append(entry / "Dockerfile")
            elif entry.name.endswith(".Dockerfile"):
                files.append(entry)
    return files


FILES = _case_files()


def _case_id(path: Path) -> str:
    return str(path.relative_to(CASES))


def _engine28(test_env: TestEnv) -> str:
    if not test_env.engine28_host:
        pytest.fail("engine 28 is not running: run scripts/provision --engine28")
    if not BUILDX.is_file():
        pytest.fail(f"{BUILDX} is missing: run scripts/provision --engine28")
    return test_env.engine28_host


@pytest.fixture(scope="module")
def check_names() -> frozenset[str]:
    from dockyard.dockerfile.rules.buildkit import ALL_CHECK_NAMES

    return ALL_CHECK_NAMES


@pytest.fixture(scope="module")
def dockyard_hits(check_names: frozenset[str]) -> dict[str, set[Hit]]:
    """One ``dockyard lint --format json`` over every case file, as a user runs it."""
    run = run_dockyard("lint", "--no-shellcheck", "--format", "json", *map(str, FILES))
    assert run.stdout, run.stderr
    hits: dict[str, set[Hit]] = {str(path): set() for path in FILES}
    for finding in json.loads(run.stdout):
        if finding["code"] in check_names:
            assert finding["level"] == "warning", finding  # BuildKit's level 1
            hits[finding["file"]].add(
                (finding["code"], finding["line"], finding["message"], finding["url"])
            )
    return hits


@pytest.fixture(scope="module")
def empty_context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("empty-context")


def _buildkit_hits(dockerfile: Path, context: Path, host: str) -> set[Hit]:
    argv = [str(BUILDX), "build", "--call=check,format=json", "-f", str(dockerfile)]
    for name, value in _BUILD_ARG.findall(dockerfile.read_text()):
        argv += ["--build-arg", f"{name}={value}"]
    argv.append(str(context))
    run = subprocess.run(
        argv, env={**os.environ, "DOCKER_HOST": host}, capture_output=True, text=True, timeout=120
    )
    try:
        data = json.loads(run.stdout)
    except ValueError:
        pytest.fail(f"buildx --check gave no JSON (exit {run.returncode}): {run.stderr[-2000:]}")
    assert not data.get("buildError"), f"the check run failed: {data['buildError']}"
    hits = set()
    for warning in data.get("warnings") or []:
        ranges = (warning.get("location") or {}).get("ranges") or [{}]
        line = int(ranges[0].get("start", {}).get("line", 0))
        assert warning.get("level", 1) == 1, warning
        hits.add((warning["ruleName"], line, warning["detail"], warning["url"]))
    return hits


def test_every_check_but_invalid_base_image_platform_has_cases(check_names: frozenset[str]) -> None:
    covered = {path.relative_to(CASES).parts[0] for path in FILES}
    assert check_names - covered == NOT_IMPLEMENTED


@pytest.mark.parametrize("dockerfile", FILES, ids=_case_id)
def test_dockyard_agrees_with_buildx_check(
    dockerfile: Path, test_env: TestEnv, dockyard_hits: dict[str, set[Hit]], empty_context: Path
) -> None:
    host = _engine28(test_env)
    # A case directory is its own build context (its .dockerignore); a case file gets an empty one.
    context = dockerfile.parent if dockerfile.name == "Dockerfile" else empty_context
    theirs = _buildkit_hits(dockerfile, context, host)
    ours = dockyard_hits[str(dockerfile)]
    assert sorted(h[:2] for h in ours) == sorted(h[:2] for h in theirs), (
        f"only dockyard: {sorted(ours - theirs)}; only BuildKit: {sorted(theirs - ours)}"
    )
    assert sorted(ours) == sorted(theirs), "same checks and lines, different message or URL"
