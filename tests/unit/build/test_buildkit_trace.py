"""The BuildKit trace reader, on lines captured from this project's engine (20.10, BuildKit)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from dockyard.engine._build import BuildEvent, _BuildKitReader
from dockyard.engine._buildkit_trace import TraceDecodeError, decode_trace
from dockyard.errors import BuildError

DATA = Path(__file__).with_name("data")


def _lines(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines()]


def _traces(name: str) -> list[str]:
    return [str(line["aux"]) for line in _lines(name) if line.get("id") == "moby.buildkit.trace"]


def test_vertex_names_and_states_come_out_of_a_successful_build() -> None:
    vertexes = [v for aux in _traces("trace_ok.jsonl") for v in decode_trace(aux).vertexes]
    names = {v.name for v in vertexes}
    assert "[stage-0 3/3] RUN echo done" in names
    assert "exporting to image" in names
    done = [v for v in vertexes if v.name == "[stage-0 3/3] RUN echo done" and v.completed]
    assert done
    started, completed = done[0].started, done[0].completed
    assert started is not None
    assert completed is not None
    assert started <= completed
    assert all(v.digest.startswith("sha256:") for v in vertexes)


def test_statuses_name_the_exported_image() -> None:
    statuses = [s for aux in _traces("trace_ok.jsonl") for s in decode_trace(aux).statuses]
    assert any(s.id.startswith("writing image sha256:5df5d21c") for s in statuses)
    assert any(s.id == "naming to docker.io/library/bkexp:1" for s in statuses)


def test_logs_carry_the_step_output_and_its_stream() -> None:
    logs = [log for aux in _traces("trace_fail.jsonl") for log in decode_trace(aux).logs]
    assert [log.data for log in logs if log.stream == 1] == [
        b"line 1\n",
        b"line 2\n",
        b"line 3\n",
        b"line 4\n",
        b"line 5\n",
    ]
    assert [log.data for log in logs if log.stream == 2] == [b"to-stderr\n"]


def test_a_failed_vertex_carries_the_error() -> None:
    errors = [v.error for aux in _traces("trace_fail.jsonl") for v in decode_trace(aux).vertexes]
    assert any(e.endswith("exit code: 3") for e in errors)


def test_the_reader_raises_build_error_with_the_failed_step_output() -> None:
    events: list[BuildEvent] = []
    reader = _BuildKitReader(events.append)
    lines = _lines("trace_fail.jsonl")
    for line in lines[:-1]:
        reader.feed(line)
    with pytest.raises(BuildError) as caught:
        reader.feed(lines[-1])
    assert caught.value.message.startswith("the build failed at [2/2]: executor failed running")
    assert sorted(caught.value.log_tail) == sorted(
        ["line 1", "line 2", "line 3", "line 4", "line 5", "to-stderr"]
    )
    assert next(e.text for e in events if e.kind == "log") == "line 1"


def test_the_reader_finds_the_image_id() -> None:
    reader = _BuildKitReader(lambda _event: None)
    for line in _lines("trace_ok.jsonl"):
        reader.feed(line)
    assert reader.image_id == (
        "sha256:5df5d21c1d6bccd0d5d62c63fb3b11de037a46eaecac3f600b6146799b099556"
    )


def test_unknown_fields_are_skipped() -> None:
    # field 9 (varint 150) and field 10 (fixed32) before a vertex with digest "d" and name "n"
    vertex = b"\x0a\x01d\x1a\x01n"
    raw = b"\x48\x96\x01" + b"\x55\x01\x02\x03\x04" + b"\x0a" + bytes([len(vertex)]) + vertex
    update = decode_trace(base64.b64encode(raw).decode())
    assert [(v.digest, v.name) for v in update.vertexes] == [("d", "n")]


@pytest.mark.parametrize("aux", ["not base64!", base64.b64encode(b"\x0a\x05ab").decode()])
def test_garbage_is_a_decode_error(aux: str) -> None:
    with pytest.raises(TraceDecodeError):
        decode_trace(aux)
