"""A registry that is not there, or does not answer, is one clear RegistryUnavailable line."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from dockyard.errors import RegistryUnavailable
from dockyard.registry import RegistryClient, parse_reference
from tests.integration.registry.conftest import free_port


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
