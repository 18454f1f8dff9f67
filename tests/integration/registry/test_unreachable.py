"""A registry that is not there, or does not answer, is one clear RegistryUnavailable line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockyard.errors import RegistryUnavailable
from dockyard.registry import RegistryClient, parse_reference
from tests.integration.registry.conftest import free_port

DOCKYARD = str(Path(sys.executable).with_name("dockyard"))


def test_closed_port() -> None:
    port = free_port()
    with RegistryClient() as rc, pytest.raises(RegistryUnavailable) as caught:
        rc.head_manifest(parse_reference(f"127.0.0.1:{port}/app:1"))
    assert str(caught.value) == (
        f"registry 127.0.0.1:{port} is unreachable: cannot connect (connection refused) during "
        "the /v2/ ping; check the address and that the registry is running"
    )
    assert caught.value.exit_code == 5


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A socket that accepts connections (backlog) but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_registry_that_never_answers_times_out(silent_listener: int) -> None:
    with RegistryClient(timeout=0.5) as rc, pytest.raises(RegistryUnavailable) as caught:
        rc.get_manifest(parse_reference(f"127.0.0.1:{silent_listener}/app:1"))
    assert str(caught.value).startswith(
        f"registry 127.0.0.1:{silent_listener} is unreachable: timed out during the /v2/ ping"
    )


def test_what_a_user_sees_on_the_command_line(tmp_path: Path) -> None:
    """Through a command that reads from a registry: one line, exit 5, no traceback."""
    port = free_port()
    done = subprocess.run(
        [DOCKYARD, "inspect", "--source", "registry", f"127.0.0.1:{port}/app:1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 5
    assert done.stderr.splitlines() == [
        f"dockyard: error: registry 127.0.0.1:{port} is unreachable: cannot connect (connection "
        "refused) during the /v2/ ping; check the address and that the registry is running"
    ]
