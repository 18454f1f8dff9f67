"""A push that fails part-way says which tags landed (in-memory fakes for engine and registry)."""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any

import pytest

from dockyard.build import ServedImage, _pipeline
from dockyard.errors import AuthenticationError, RegistryError
from tests.unit.build.notes import Notes


class _FakeRegistry:
    def __init__(self, served: dict[str, str | None]) -> None:
        self.served = served

    def check_push_access(self, repository: str) -> None:
        return None

    def auth_config(self, repository: str) -> dict[str, str] | None:
        return {"username": "u", "password": "p"}

    def digests(self, references: Sequence[str]) -> dict[str, str | None]:
        return {ref: self.served.get(ref.rsplit(":", 1)[1]) for ref in references}

    def served_image(self, reference: str) -> ServedImage | None:
        return None

    def point_tags(self, repository: str, *, digest: str, tags: Sequence[str]) -> None:
        raise AssertionError("not expected")

    def stored(self, reference: str) -> tuple[str, int] | None:
        digest = self.served.get(reference.rsplit(":", 1)[1])
        return (digest, 42) if digest else None


def _engine_api(fail_on: str | None) -> types.SimpleNamespace:
    def push_tag(engine: Any, *, repository: str, tag: str, **_: Any) -> None:
        if tag == fail_on:
            raise AuthenticationError(f"the registry refused the credentials for {tag}")

    return types.SimpleNamespace(push_tag=push_tag)


def test_a_failed_later_tag_names_the_tags_that_landed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pipeline, "_engine_api", lambda: _engine_api("latest"))
    with pytest.raises(AuthenticationError) as caught:
        _pipeline._push_all(
            None,  # type: ignore[arg-type]
            _FakeRegistry({}),
            repository="r/app",
            tags=("main", "sha-1234567", "latest"),
            reporter=Notes(),
        )
    assert "already pushed: main" in caught.value.message
    assert caught.value.exit_code == 6


def test_the_digest_reported_is_the_registry_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pipeline, "_engine_api", lambda: _engine_api(None))
    registry = _FakeRegistry({"main": "sha256:aa", "latest": "sha256:aa"})
    digest, size = _pipeline._push_all(
        None,  # type: ignore[arg-type]
        registry,
        repository="r/app",
        tags=("main", "latest"),
        reporter=Notes(),
    )
    assert (digest, size) == ("sha256:aa", 42)


def test_tags_serving_different_digests_are_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pipeline, "_engine_api", lambda: _engine_api(None))
    registry = _FakeRegistry({"main": "sha256:aa", "latest": "sha256:bb"})
    with pytest.raises(RegistryError, match="unexpected digests"):
        _pipeline._push_all(
            None,  # type: ignore[arg-type]
            registry,
            repository="r/app",
            tags=("main", "latest"),
            reporter=Notes(),
        )
