"""The HTTP API in memory: token required and compared whole, body limits, metrics."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pytest

from dockyard.errors import UsageError
from dockyard.secrets import Secret
from dockyard.server import WatchMetrics, create_watch_app
from dockyard.update import ContainerResult, CycleReport, Status

with warnings.catch_warnings():  # starlette asks for a renamed httpx; same client
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

TOKEN = "s3cret-token-value"


def _client(calls: list[Sequence[str]]) -> TestClient:
    def trigger(images: Sequence[str]) -> CycleReport:
        calls.append(list(images))
        report = CycleReport(
            results=[
                ContainerResult(
                    name="web",
                    image="a:1",
                    old_image_id="sha256:1",
                    new_image_id="sha256:2",
                    status=Status.UPDATED,
                )
            ]
        )
        metrics.record(report)
        return report

    metrics = WatchMetrics()
    return TestClient(create_watch_app(token=Secret(TOKEN), trigger=trigger, metrics=metrics))


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer ", TOKEN])
def test_without_the_right_token_nothing_runs(header: str | None) -> None:
    calls: list[Sequence[str]] = []
    headers = {"Authorization": header} if header is not None else {}
    response = _client(calls).post("/v1/update", headers=headers)
    assert response.status_code == 401
    assert calls == []
    assert TOKEN not in response.text


def test_with_the_token_a_cycle_runs_for_the_images_asked() -> None:
    calls: list[Sequence[str]] = []
    client = _client(calls)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.get("/v1/update?image=a:1,b", headers=auth)
    assert response.status_code == 200
    assert response.json()["containers"][0]["status"] == "updated"
    assert calls == [["a:1", "b"]]
    metrics = client.get("/v1/metrics", headers=auth)
    assert "watchtower_containers_updated 1.0" in metrics.text
    assert "watchtower_scans_total 1.0" in metrics.text
    assert client.get("/v1/metrics").status_code == 401


def test_large_bodies_are_refused() -> None:
    calls: list[Sequence[str]] = []
    response = _client(calls).post(
        "/v1/update", headers={"Authorization": f"Bearer {TOKEN}"}, content=b"x" * 70_000
    )
    assert response.status_code == 413
    assert calls == []


@pytest.mark.parametrize("token", ["", "   "])
def test_an_empty_token_is_refused(token: str) -> None:
    with pytest.raises(UsageError, match="non-empty token"):
        create_watch_app(token=Secret(token), trigger=None, metrics=None)
