"""Decode the ``moby.buildkit.trace`` lines of ``POST /build?version=2``.

The engine streams BuildKit's progress as base64 ``moby.buildkit.v1.StatusResponse`` protobuf
messages. Only four small messages are needed (vertexes, statuses, logs, warnings), so a wire-format
reader of a few dozen lines is enough: no generated code, no protobuf runtime dependency, and
unknown fields are skipped as the protobuf rules require, so newer engines keep working.

    StatusResponse: vertexes 1, statuses 2, logs 3, warnings 4
    Vertex:         digest 1, inputs 2, name 3, cached 4, started 5, completed 6, error 7
    VertexStatus:   id 1, vertex 2, name 3, current 4, total 5, timestamp 6, started 7, completed 8
    VertexLog:      vertex 1, timestamp 2, stream 3, msg 4   (as in buildkit's control.proto)
    VertexWarning:  vertex 1, level 2, short 3, detail 4, url 5
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = [
    "TraceDecodeError",
    "TraceLog",
    "TraceStatus",
    "TraceUpdate",
    "TraceVertex",
    "TraceWarning",
    "decode_trace",
]

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5


class TraceDecodeError(ValueError):
    """The aux payload is not a valid protobuf message."""


@dataclass(frozen=True)
class TraceVertex:
    """One build step (``[2/3] RUN ...``) and its state."""

    digest: str
    name: str = ""
    inputs: tuple[str, ...] = ()
    cached: bool = False
    started: datetime | None = None
    completed: datetime | None = None
    error: str = ""


@dataclass(frozen=True)
class TraceStatus:
    """Progress of a sub-task of a vertex (a layer download, a context transfer)."""

    id: str
    vertex: str
    name: str = ""
    current: int = 0
    total: int = 0
    completed: datetime | None = None


@dataclass(frozen=True)
class TraceLog:
    """Output of a step (stream 1 = stdout, 2 = stderr)."""

    vertex: str
    stream: int
    data: bytes


@dataclass(frozen=True)
class TraceWarning:
    vertex: str
    short: str


@dataclass(frozen=True)
class TraceUpdate:
    """One decoded StatusResponse."""

    vertexes: list[TraceVertex] = field(default_factory=list)
    statuses: list[TraceStatus] = field(default_factory=list)
    logs: list[TraceLog] = field(default_factory=list)
    warnings: list[TraceWarning] = field(default_factory=list)


def decode_trace(aux: str) -> TraceUpdate:
    """Decode the base64 ``aux`` of one ``moby.buildkit.trace`` line."""
    try:
        raw = base64.b64decode(aux, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TraceDecodeError(f"trace is not base64: {exc}") from exc
    update = TraceUpdate()
    for number, value in _fields(raw):
        if not isinstance(value, bytes):
            continue
        if number == 1:
            update.vertexes.append(_vertex(value))
        elif number == 2:
            update.statuses.append(_status(value))
        elif number == 3:
            update.logs.append(_log(value))
        elif number == 4:
            update.warnings.append(_warning(value))
    return update


def _vertex(raw: bytes) -> TraceVertex:
    values: dict[int, list[int | bytes]] = _collect(raw)
    return TraceVertex(
        digest=_text(values, 1),
        inputs=tuple(v.decode() for v in values.get(2, []) if isinstance(v, bytes)),
        name=_text(values, 3),
        cached=bool(_int(values, 4)),
        started=_time(values, 5),
        completed=_time(values, 6),
        error=_text(values, 7),
    )


def _status(raw: bytes) -> TraceStatus:
    values = _collect(raw)
    return TraceStatus(
        id=_text(values, 1),
        vertex=_text(values, 2),
        name=_text(values, 3),
        current=_int(values, 4),
        total=_int(values, 5),
        completed=_time(values, 8),
    )


def _log(raw: bytes) -> TraceLog:
    values = _collect(raw)
    data = values.get(4, [b""])[-1]
    return TraceLog(
        vertex=_text(values, 1),
        stream=_int(values, 3),
        data=data if isinstance(data, bytes) else b"",
    )


def _warning(raw: bytes) -> TraceWarning:
    values = _collect(raw)
    return TraceWarning(vertex=_text(values, 1), short=_text(values, 3))


def _collect(raw: bytes) -> dict[int, list[int | bytes]]:
    values: dict[int, list[int | bytes]] = {}
    for number, value in _fields(raw):
        values.setdefault(number, []).append(value)
    return values


def _text(values: dict[int, list[int | bytes]], number: int) -> str:
    found = values.get(number)
    if not found or not isinstance(found[-1], bytes):
        return ""
    return found[-1].decode("utf-8", errors="replace")


def _int(values: dict[int, list[int | bytes]], number: int) -> int:
    found = values.get(number)
    return found[-1] if found and isinstance(found[-1], int) else 0


def _time(values: dict[int, list[int | bytes]], number: int) -> datetime | None:
    """A ``google.protobuf.Timestamp`` (seconds 1, nanos 2); absent means "not yet"."""
    found = values.get(number)
    if not found or not isinstance(found[-1], bytes):
        return None
    parts = _collect(found[-1])
    seconds, nanos = _int(parts, 1), _int(parts, 2)
    return datetime.fromtimestamp(seconds + nanos / 1e9, tz=UTC)


def _fields(raw: bytes) -> Iterator[tuple[int, int | bytes]]:
    """Yield ``(field number, value)``: ints for varint/fixed fields, bytes for length-delimited."""
    pos = 0
    while pos < len(raw):
        key, pos = _varint(raw, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value, pos = _varint(raw, pos)
            yield number, value
        elif wire_type == _BYTES:
            length, pos = _varint(raw, pos)
            if pos + length > len(raw):
                raise TraceDecodeError("truncated length-delimited field")
            yield number, raw[pos : pos + length]
            pos += length
        elif wire_type in (_FIXED64, _FIXED32):
            size = 8 if wire_type == _FIXED64 else 4
            if pos + size > len(raw):
                raise TraceDecodeError("truncated fixed-size field")
            yield number, int.from_bytes(raw[pos : pos + size], "little")
            pos += size
        else:
            raise TraceDecodeError(f"unsupported wire type {wire_type}")


def _varint(raw: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(raw) or shift > 63:
            raise TraceDecodeError("truncated varint")
        byte = raw[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
