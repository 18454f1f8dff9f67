"""The engine's storage facts (``docker info``) are read once per Engine: inspecting an image
asks for both stores (classic layer store, then containerd's), and each used to call the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import requests.adapters

from dockyard.engine import local_containerd_store, local_layer_store
from tests.unit.engine.sdk import engine_over


class InfoAPI(requests.adapters.BaseAdapter):
    """Answers ``/version`` and ``/info`` of API 1.41; records every path asked for."""

    def __init__(self, *, root: Path, driver: str, driver_status: list[list[str]]) -> None:
        super().__init__()
        self.info = {"DockerRootDir": str(root), "Driver": driver, "DriverStatus": driver_status}
        self.paths: list[str] = []

    def send(self, request: requests.PreparedRequest, **_options: Any) -> requests.Response:
        path = (request.path_url or "").split("?")[0].removeprefix("/v1.41")
        self.paths.append(path)
        body: Any = {"message": f"unexpected {path}"}
        status = 500
        if path == "/version":
            status, body = 200, {"Version": "28.5.1", "Os": "linux", "Arch": "amd64"}
        elif path == "/info":
            status, body = 200, self.info
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = str(request.url)
        return response

    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def _localengine_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKYARD_ENGINE_LAYER_STORE", raising=False)
    monkeypatch.delenv("DOCKYARD_CONTAINERD_ROOT", raising=False)


def test_both_stores_are_looked_up_with_one_info_call(tmp_path: Path) -> None:
    api = InfoAPI(root=tmp_path, driver="overlayfs", driver_status=[["driver-type", "x"]])
    engine = engine_over(api)
    assert local_layer_store(engine) is None  # no layerdb under the root
    assert local_containerd_store(engine) is None  # not the overlayfs snapshotter
    assert api.paths.count("/info") == 1


def test_the_classic_store_is_found_from_the_one_info_call(tmp_path: Path) -> None:
    (tmp_path / "image" / "overlay2" / "layerdb" / "sha256").mkdir(parents=True)
    api = InfoAPI(root=tmp_path, driver="overlay2", driver_status=[])
    engine = engine_over(api)
    assert local_layer_store(engine) is not None
    assert local_containerd_store(engine) is None
    assert api.paths.count("/info") == 1


def test_a_store_turned_off_reads_no_info(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKYARD_ENGINE_LAYER_STORE", "off")
    api = InfoAPI(root=tmp_path, driver="overlay2", driver_status=[])
    engine = engine_over(api)
    assert local_layer_store(engine) is None
    assert local_containerd_store(engine) is None
    assert "/info" not in api.paths
