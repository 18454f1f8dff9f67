from __future__ import annotations

import pytest

from dockyard.engine import Engine
from dockyard.errors import EngineUnavailable


def test_engine_negotiates_its_api_version(docker_client: object) -> None:
    with Engine() as engine:
        facts = engine.facts
    assert facts.product == "docker"
    assert facts.api_tuple >= (1, 41)


def test_docker_host_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(EngineUnavailable, match=r"unix:///nonexistent/docker.sock"):
        Engine().ping()
