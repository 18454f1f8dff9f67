"""A registry that is down, slow or answers 5xx or garbage changes nothing."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from tests.integration.update.conftest import Images, Lab


class _Faulty(http.server.BaseHTTPRequestHandler):
    mode = "500"

    def _answer(self) -> None:
        if self.mode == "slow":
            time.sleep(3)
        if self.mode == "garbage":
            body = b"\x00not a manifest{{"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            body = b"internal error"
            self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def faulty_registry(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Handler", (_Faulty,), {"mode": request.param})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("faulty_registry", ["500", "garbage", "slow"], indirect=True)
def test_registry_faults_change_nothing(lab: Lab, images: Images, faulty_registry: str) -> None:
    image_id = images.build("v1")
    ref = f"{faulty_registry}/dockyard-watch-{lab.unique}:stable"
    lab.client.images.get(image_id).tag(ref)
    try:
        container = lab.run(ref, "faults", init=True)
        before = lab.client.api.inspect_container(container.id)["State"]["StartedAt"]

        result = lab.watch("--registry-timeout", "1")

        entry = result.status(container.name)
        assert entry["status"] == "failed"
        assert entry["reason"].startswith("check failed")
        assert result.code == 5
        assert "pulling" not in result.stderr
        after = lab.client.api.inspect_container(container.id)
        assert after["State"]["Running"]
        assert after["State"]["StartedAt"] == before
        assert len(lab.ours()) == 1
    finally:
        lab.client.images.remove(ref)


def test_a_registry_nobody_listens_on_changes_nothing(lab: Lab, images: Images) -> None:
    image_id = images.build("v1")
    ref = f"127.0.0.1:9/dockyard-watch-{lab.unique}:stable"
    lab.client.images.get(image_id).tag(ref)
    try:
        container = lab.run(ref, "down", init=True)
        result = lab.watch()
        assert result.status(container.name)["status"] == "failed"
        assert lab.client.containers.get(container.id).status == "running"
    finally:
        lab.client.images.remove(ref)


def test_an_image_pinned_by_digest_is_skipped_with_a_note(lab: Lab, images: Images) -> None:
    images.publish("v1")
    digest = lab.client.images.get(images.ref()).attrs["RepoDigests"][0]
    container = lab.run(digest, "pinned", init=True)
    images.publish("v2")
    result = lab.watch()
    entry = result.status(container.name)
    assert entry["status"] == "skipped"
    assert "pinned by digest" in entry["reason"]
    assert lab.client.containers.get(container.id).status == "running"
