"""Labels (opt-in, opt-out, monitor-only, no-pull, scope) and the HTTP API against the engine."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.update.conftest import DOCKYARD, Images, Lab, free_port, wait_for

WT = "com.centurylinklabs.watchtower."


def test_labels_decide_what_is_touched(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    opted_out = lab.run(images.ref(), "out", init=True, labels={WT + "enable": "false"})
    monitored = lab.run(images.ref(), "mon", init=True, labels={WT + "monitor-only": "true"})
    no_pull = lab.run(images.ref(), "nopull", init=True, labels={"dockyard.no-pull": "true"})
    plain = lab.run(images.ref(), "plain", init=True)
    v2 = images.publish("v2")

    result = lab.watch()

    names = [entry["name"] for entry in result.report["containers"]]
    assert opted_out.name not in names
    assert result.status(monitored.name)["status"] == "skipped"
    assert "monitor only" in result.status(monitored.name)["reason"]
    assert result.status(no_pull.name)["status"] == "fresh"
    assert result.status(plain.name)["status"] == "updated"
    for untouched in (opted_out, monitored, no_pull):
        container = lab.client.containers.get(untouched.id)
        assert (container.image.id, container.status) == (v1, "running")
    assert lab.client.containers.get(plain.name).image.id == v2


def test_label_enable_and_scope(lab: Lab, images: Images) -> None:
    images.publish("v1")
    scope = f"s{lab.unique}"
    enabled = lab.run(
        images.ref(), "in", init=True, labels={WT + "enable": "true", WT + "scope": scope}
    )
    other = lab.run(images.ref(), "other", init=True)
    images.publish("v2")

    only_enabled = lab.watch("--label-enable", "--monitor-only")
    assert [e["name"] for e in only_enabled.report["containers"]] == [enabled.name]

    scoped = lab.watch("--monitor-only", names=[], env={"WATCHTOWER_SCOPE": scope})
    assert [e["name"] for e in scoped.report["containers"]] == [enabled.name]
    assert other.name not in scoped.stdout


def test_monitor_only_changes_nothing(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    container = lab.run(images.ref(), "monly", init=True)
    images.publish("v2")
    result = lab.watch(env={"WATCHTOWER_MONITOR_ONLY": "true"})
    assert result.status(container.name)["status"] == "skipped"
    assert lab.client.containers.get(container.id).image.id == v1


@pytest.fixture
def daemon(lab: Lab) -> Iterator[tuple[str, str]]:
    """``dockyard watch`` with the update API on a free port, token from the environment."""
    token = f"token-{lab.unique}"
    port = free_port()
    process = subprocess.Popen(
        [
            DOCKYARD,
            "watch",
            "--http-api-update",
            "--http-api-metrics",
            "--http-api-port",
            str(port),
            "--state-dir",
            str(lab.state_dir),
            "--confirm-seconds",
            "1",
            f"dyw-.*-{lab.unique}",
        ],
        env={**os.environ, "WATCHTOWER_HTTP_API_TOKEN": token},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        try:
            httpx.get(url + "/v1/metrics", timeout=1)
        except httpx.TransportError:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            return False
        return True

    try:
        wait_for(answering, timeout=30, what="the HTTP API")
        yield url, token
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert token not in (process.stderr.read() if process.stderr else "")


def test_the_api_refuses_requests_without_the_token(
    lab: Lab, images: Images, daemon: tuple[str, str]
) -> None:
    url, token = daemon
    v1 = images.publish("v1")
    container = lab.run(images.ref(), "api", init=True)
    images.publish("v2")
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {token}"}):
        response = httpx.post(url + "/v1/update", headers=headers, timeout=30)
        assert response.status_code == 401
    assert lab.client.containers.get(container.id).image.id == v1
    assert httpx.get(url + "/v1/metrics", timeout=5).status_code == 401

    response = httpx.post(
        url + "/v1/update",
        params={"image": images.repository},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    entries = response.json()["containers"]
    assert [(e["name"], e["status"]) for e in entries] == [(container.name, "updated")]
    assert lab.client.containers.get(container.name).image.id != v1
    metrics = httpx.get(
        url + "/v1/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert "watchtower_containers_updated 1.0" in metrics.text


def test_an_empty_token_is_refused_at_start(lab: Lab) -> None:
    done = subprocess.run(
        [DOCKYARD, "watch", "--http-api-update", "--state-dir", str(lab.state_dir), "nothing"],
        env={**os.environ, "WATCHTOWER_HTTP_API_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("dockyard: error: the HTTP API needs")
