"""One notification per cycle through apprise, delivered to a local JSON endpoint."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from dockyard.update import ContainerResult, CycleReport, Status
from dockyard.update._notify import Notifier

# apprise imports the deprecated imghdr module; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append(json.loads(body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def _report(status: Status) -> CycleReport:
    return CycleReport(
        results=[
            ContainerResult(
                name="web",
                image="r.example/web:1",
                old_image_id="sha256:" + "1" * 64,
                new_image_id="sha256:" + "2" * 64,
                status=status,
                reason="the new container is unhealthy" if status is Status.ROLLED_BACK else None,
            )
        ]
    )


def test_a_cycle_with_a_rollback_sends_one_message(
    endpoint: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = endpoint
    assert Notifier(urls=[url]).send(_report(Status.ROLLED_BACK))
    assert len(received) == 1
    body = received[0]["message"]
    assert "web (r.example/web:1): rolled back 111111111111 -> 222222222222" in body
    assert "the new container is unhealthy" in body


def test_a_quiet_cycle_sends_nothing(endpoint: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = endpoint
    assert not Notifier(urls=[url]).send(_report(Status.FRESH))
    assert received == []
