"""``dockyard lsp`` on the command line: its options, TCP as well as stdio, and that the other
commands never pay for loading the protocol libraries."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def dockyard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockyard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_lsp_is_listed_among_the_commands(tmp_path: Path) -> None:
    result = dockyard("--help", cwd=tmp_path)

    rows = [line.split(maxsplit=1) for line in result.stdout.splitlines() if line.strip()]
    assert ["lsp", "Serve lint findings, fixes and rule help to an editor (LSP)."] in rows


def test_a_bad_tcp_address_is_a_usage_error(tmp_path: Path) -> None:
    result = dockyard("lsp", "--tcp", "2087", cwd=tmp_path)

    assert result.returncode == 2
    assert "Invalid value for '--tcp': '2087' is not HOST:PORT" in result.stderr


def test_lint_does_not_load_the_language_server(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian:12.8-slim\nUSER 10001\n")
    probe = (
        "import sys\n"
        "from dockyard.cli import main\n"
        "try:\n"
        "    main(['lint', 'Dockerfile'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pygls', 'lsprotocol', 'dockyard.lsp')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    assert result.stdout.splitlines()[-1] == "[]"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _connect(port: int, server: subprocess.Popen[str]) -> socket.socket:
    """The server's socket, once it listens (or the test fails with what the server said)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                _, err = server.communicate()
                pytest.fail(f"dockyard lsp --tcp never listened: {err}")
            time.sleep(0.1)


def _messages(connection: socket.socket) -> Iterator[dict[str, Any]]:
    """JSON-RPC messages as LSP frames them (``Content-Length`` header, blank line, body)."""
    stream = connection.makefile("rb")
    while True:
        length = 0
        while (line := stream.readline().strip()) != b"":
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        yield json.loads(stream.read(length))


def _send(connection: socket.socket, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    connection.sendall(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def test_over_tcp_the_server_answers_and_publishes_diagnostics(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dockyard", "lsp", "--tcp", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with _connect(port, server) as connection:
            incoming = _messages(connection)
            initialize = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}
            _send(
                connection,
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize},
            )
            initialized = next(incoming)
            _send(connection, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
            uri = (tmp_path / "Dockerfile").as_uri()
            document = {"uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM a\n"}
            _send(
                connection,
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": document},
                },
            )
            published = next(
                m for m in incoming if m.get("method") == "textDocument/publishDiagnostics"
            )
    finally:
        server.kill()
        server.wait()

    assert initialized["result"]["serverInfo"]["name"] == "dockyard"
    codes = {d["code"] for d in published["params"]["diagnostics"]}
    assert "DL3006" in codes  # FROM without a tag
