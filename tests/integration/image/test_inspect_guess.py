"""When the source is guessed and the registry, the last guess, fails too, the one line says
where else dockyard looked, with the registry's exit code."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import TestEnv
from tests.integration.image.conftest import run_dockyard


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_image_nowhere_names_every_place_looked(cache: Path) -> None:
    ref = f"127.0.0.1:{_closed_port()}/dockyard-test/nowhere:1"
    result = run_dockyard("inspect", ref, cache=cache)
    assert result.code == 5, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "not a file, not in the engine" in lines[0]
    assert "unreachable" in lines[0]


def test_a_tag_the_registry_lacks_is_exit_4_with_the_places_looked(
    test_env: TestEnv, cache: Path
) -> None:
    result = run_dockyard("inspect", f"{test_env.registry}/dockyard-test/absent:1", cache=cache)
    assert result.code == 4, result.stderr
    assert "not in the engine" in result.stderr
    assert "not found" in result.stderr


def test_an_explicit_source_keeps_its_own_message(cache: Path) -> None:
    ref = f"127.0.0.1:{_closed_port()}/dockyard-test/nowhere:1"
    result = run_dockyard("inspect", "--source", "registry", ref, cache=cache)
    assert result.code == 5, result.stderr
    assert "not in the engine" not in result.stderr
