"""push_tag reads the pushed digest from the stream both engine generations write."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest

from dockyard.engine import Engine, push_tag

DIGEST = "sha256:" + "5" * 64
ENGINE_20_10 = [
    {"status": "The push refers to repository [127.0.0.1:5000/app]"},
    {"status": "Pushed", "progressDetail": {}, "id": "c94bc2ebd731"},
    {"status": f"v1: digest: {DIGEST} size: 527"},
    {"progressDetail": {}, "aux": {"Tag": "v1", "Digest": DIGEST, "Size": 527}},
]
# Engine 28 on the containerd image store: the same last status line, no "aux" object
ENGINE_28 = ENGINE_20_10[:3]


def _engine(lines: list[dict[str, Any]]) -> Engine:
    def push(repository: str, **_options: Any) -> Iterator[dict[str, Any]]:
        assert repository == "127.0.0.1:5000/app"
        return iter(lines)

    return cast(Engine, SimpleNamespace(sdk=SimpleNamespace(api=SimpleNamespace(push=push))))


@pytest.mark.parametrize("lines", [ENGINE_20_10, ENGINE_28], ids=["20.10", "28"])
def test_the_pushed_digest_and_size_come_from_either_stream(lines: list[dict[str, Any]]) -> None:
    result = push_tag(_engine(lines), repository="127.0.0.1:5000/app", tag="v1")
    assert (result.reference, result.digest, result.size) == ("127.0.0.1:5000/app:v1", DIGEST, 527)


def test_a_stream_without_a_digest_reports_none() -> None:
    result = push_tag(_engine(ENGINE_20_10[:2]), repository="127.0.0.1:5000/app", tag="v1")
    assert (result.digest, result.size) == (None, None)
