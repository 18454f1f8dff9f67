"""A BuildKit session that hands the build its secrets (``RUN --mount=type=secret,id=...``).

BuildKit asks the client for secrets during the build, through a *session*: the client opens
``POST /session`` (upgraded to h2c), and over that hijacked connection the **engine** is the gRPC
client and dockyard the server. The build names the session (``session=<id>``), and each secret
mount becomes one ``/moby.buildkit.secrets.v1.Secrets/GetSecret`` call; the engine also checks
the session's health (``/grpc.health.v1.Health/Check``). Both answers are one protobuf field,
written here by hand (``h2`` does HTTP/2; no gRPC stack is needed for two unary calls).

A secret reaches only that call: never the build arguments, a label, a log line or the image
history (BuildKit mounts it as a tmpfs file for the one RUN).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import h2.config
import h2.connection
import h2.events
import h2.exceptions

from dockyard.engine._client import Engine, translate_errors
from dockyard.errors import BuildError
from dockyard.secrets import Secret

__all__ = ["secrets_session"]

log = logging.getLogger("dockyard.engine.session")

_GET_SECRET = "/moby.buildkit.secrets.v1.Secrets/GetSecret"  # noqa: S105 (a method name)
_HEALTH = "/grpc.health.v1.Health/Check"
_SERVING = b"\x08\x01"  # HealthCheckResponse{status: SERVING}
_NOT_FOUND = "5"  # gRPC status code
_UNIMPLEMENTED = "12"


@contextlib.contextmanager
def secrets_session(engine: Engine, secrets: Mapping[str, Secret]) -> Iterator[str]:
    """Open a session that serves ``secrets`` by id; yield its id for ``POST /build``."""
    session_id = uuid.uuid4().hex
    api = engine.sdk.api
    headers = {
        "Connection": "Upgrade",
        "Upgrade": "h2c",
        "X-Docker-Expose-Session-Uuid": session_id,
        "X-Docker-Expose-Session-Name": "dockyard",
        "X-Docker-Expose-Session-Sharedkey": "",
        "X-Docker-Expose-Session-Grpc-Method": _GET_SECRET,
    }
    with translate_errors("opening a BuildKit session for the build's secrets"):
        response = api._post(api._url("/session"), headers=headers, stream=True)
    if response.status_code != 101:
        response.close()
        raise BuildError(
            f"the engine refused a BuildKit session (HTTP {response.status_code}); build "
            "secrets need an engine with BuildKit (Docker 18.09 or later)"
        )
    raw: Any = api._get_raw_response_socket(response)
    sock: socket.socket = getattr(raw, "_sock", raw)
    server = _SecretServer(sock, secrets, pending=_already_read(response, sock))
    thread = threading.Thread(target=server.serve, name="buildkit-session", daemon=True)
    thread.start()
    try:
        yield session_id
    finally:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        thread.join(timeout=5)
        with contextlib.suppress(OSError):
            sock.close()
        response.close()


class _SecretServer:
    """The server side of the session's HTTP/2 connection: two unary gRPC methods."""

    def __init__(
        self, sock: socket.socket, secrets: Mapping[str, Secret], *, pending: bytes = b""
    ) -> None:
        self._sock = sock
        self._pending = pending
        self._secrets = secrets
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        self._conn = h2.connection.H2Connection(config=config)
        self._paths: dict[int, str] = {}
        self._bodies: dict[int, bytes] = {}

    def serve(self) -> None:
        try:
            self._conn.initiate_connection()
            self._flush()
            while True:
                data, self._pending = self._pending or self._sock.recv(65536), b""
                if not data:
                    return
                for event in self._conn.receive_data(data):
                    self._on(event)
                self._flush()
        except (OSError, h2.exceptions.H2Error) as exc:
            log.debug("BuildKit session ended: %s", exc)

    def _flush(self) -> None:
        out = self._conn.data_to_send()
        if out:
            self._sock.sendall(out)

    def _on(self, event: h2.events.Event) -> None:
        if isinstance(event, h2.events.RequestReceived) and event.stream_id is not None:
            headers = {str(k): str(v) for k, v in event.headers or []}
            self._paths[event.stream_id] = headers.get(":path", "")
            self._bodies[event.stream_id] = b""
        elif isinstance(event, h2.events.DataReceived) and event.stream_id is not None:
            self._bodies[event.stream_id] = self._bodies.get(event.stream_id, b"") + (
                event.data or b""
            )
            self._conn.acknowledge_received_data(event.flow_controlled_length or 0, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded) and event.stream_id is not None:
            path = self._paths.pop(event.stream_id, "")
            body = self._bodies.pop(event.stream_id, b"")
            self._answer(event.stream_id, path, _grpc_message(body))

    def _answer(self, stream_id: int, path: str, request: bytes) -> None:
        if path == _HEALTH:
            self._reply(stream_id, _SERVING)
        elif path == _GET_SECRET:
            secret_id = _string_field(request, 1)
            secret = self._secrets.get(secret_id)
            if secret is None:
                self._reply(
                    stream_id, None, status=_NOT_FOUND, text=f"secret {secret_id} not found"
                )
            else:
                self._reply(stream_id, _bytes_field(1, secret.reveal().encode()))
        else:
            self._reply(stream_id, None, status=_UNIMPLEMENTED, text=f"{path} is not served")

    def _reply(
        self, stream_id: int, message: bytes | None, *, status: str = "0", text: str = ""
    ) -> None:
        """A unary answer: headers, the message (when there is one), trailers with the status."""
        self._conn.send_headers(
            stream_id, [(":status", "200"), ("content-type", "application/grpc")]
        )
        if message is not None:
            self._conn.send_data(stream_id, b"\x00" + struct.pack(">I", len(message)) + message)
        trailers = [("grpc-status", status)] + ([("grpc-message", text)] if text else [])
        self._conn.send_headers(stream_id, trailers, end_stream=True)


def _already_read(response: Any, sock: socket.socket) -> bytes:
    """What the HTTP client read past the 101 answer into its buffer: the engine starts talking
    HTTP/2 at once (Engine 28 does), and those bytes belong to the session, not the response.
    Peeked with the socket non-blocking, so an empty buffer returns at once."""
    reader = getattr(getattr(getattr(response, "raw", None), "_fp", None), "fp", None)
    if reader is None or not hasattr(reader, "peek"):
        return b""
    sock.setblocking(False)
    try:
        buffered: bytes = reader.peek() or b""
    except (BlockingIOError, OSError, ValueError):
        buffered = b""
    finally:
        sock.setblocking(True)
    return reader.read(len(buffered)) if buffered else b""


def _grpc_message(body: bytes) -> bytes:
    """The one message of a unary call's body (a 5-byte prefix: compressed flag, length)."""
    if len(body) < 5:
        return b""
    (length,) = struct.unpack(">I", body[1:5])
    return body[5 : 5 + length]


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise ValueError("truncated varint")


def _bytes_field(number: int, value: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _string_field(message: bytes, number: int) -> str:
    """The first length-delimited field ``number`` of a protobuf message; "" when absent."""
    pos = 0
    with contextlib.suppress(ValueError, IndexError):
        while pos < len(message):
            key, pos = _read_varint(message, pos)
            kind = key & 7
            if kind == 2:
                length, pos = _read_varint(message, pos)
                if key >> 3 == number:
                    return message[pos : pos + length].decode("utf-8", errors="replace")
                pos += length
            elif kind == 0:
                _, pos = _read_varint(message, pos)
            elif kind == 1:
                pos += 8
            elif kind == 5:
                pos += 4
            else:
                return ""
    return ""
