"""notify: one message per finished job, through apprise, to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from dockyard.errors import ConfigError
from dockyard.serve._inbox import Inbox
from dockyard.serve._service import AppriseNotifier
from dockyard.serve._store import Store
from tests.unit.serve.test_inbox import C1, FakeRunner, _config, _delivery


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            got.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_port}/hook", got
    server.shutdown()


def test_a_finished_build_is_told_to_every_notify_url(
    tmp_path: Path, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, got = receiver
    store = Store.open(f"sqlite:///{tmp_path / 'serve.db'}")
    inbox = Inbox(store, _config(tmp_path), FakeRunner({"web": C1}), notify=AppriseNotifier([url]))  # type: ignore[arg-type]
    inbox.start()
    inbox.accept(_delivery("d1"))
    assert inbox.wait_idle(10)
    inbox.stop()
    store.close()
    assert [(m["title"], m["message"]) for m in got] == [
        ("dockyard serve: web live", "build 1 of web at 111111111111: live")
    ]


def test_a_url_apprise_does_not_know_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="notify: nosuch://\\*\\*\\*@x is not a URL apprise"):
        AppriseNotifier(["nosuch://user:pw@x"])
