"""compose.yaml: the compose specification's schema, and dockyard watch set up as Watchtower was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from dockyard.scaffold import WATCHTOWER_ENABLE_LABEL, render_compose


def _compose(health: bool = True) -> str:
    return render_compose(app="sample-py", port=8000, socket_gid=998, health=health)


def test_compose_validates_against_the_compose_spec(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(_compose())
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool, "check-jsonschema is missing: pip install -e '.[dev]'"
    done = subprocess.run(
        [tool, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_spec_check_catches_a_wrong_key(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(_compose().replace("    group_add:", "    groups_add:"))
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool
    done = subprocess.run(
        [tool, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1


@pytest.fixture
def services() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(_compose())["services"]
    return loaded


def test_app_is_built_here_and_carries_watchtowers_label(services: dict[str, Any]) -> None:
    app = services["app"]
    assert app["build"] == "."
    assert app["ports"] == ["8000:8000"]
    assert app["labels"] == {WATCHTOWER_ENABLE_LABEL: "true"}


def test_watch_is_non_root_with_the_sockets_group(services: dict[str, Any]) -> None:
    watch = services["watch"]
    assert watch["command"][:2] == ["watch", "--label-enable"]
    assert watch["user"] == "10001:10001"
    assert watch["group_add"] == ["${DOCKER_GID:-998}"]


def test_watch_mounts_the_socket_read_write_and_keeps_state_on_a_volume(
    services: dict[str, Any],
) -> None:
    volumes = services["watch"]["volumes"]
    assert "/var/run/docker.sock:/var/run/docker.sock" in volumes  # no :ro
    assert "dockyard-state:/var/lib/dockyard" in volumes
    assert yaml.safe_load(_compose())["volumes"] == {"dockyard-state": {}}


def test_a_commented_serve_variant_is_there() -> None:
    text = _compose()
    assert '#   command: ["serve", "--config", "/etc/dockyard/serve.yaml"]' in text
    assert "# made by: dockyard serve token create ci --scope deploy --config serve.yaml" in text


def test_without_healthcheck_the_compose_file_says_how_watch_confirms() -> None:
    assert "watch confirms a new container by its staying up" in _compose(health=False)
    assert "staying up" not in _compose(health=True)
