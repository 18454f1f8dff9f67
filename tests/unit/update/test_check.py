"""Checking: one request per unique reference, backoff per failing registry."""

from __future__ import annotations

import threading
from collections.abc import Set

from dockyard.errors import ManifestNotFound, RegistryUnavailable
from dockyard.update import Backoff, RemoteDigest
from dockyard.update._check import check_references, registry_host


class FakeRegistry:
    def __init__(self, *, failing: Set[str] = frozenset(), missing: Set[str] = frozenset()) -> None:
        self.calls: list[str] = []
        self.failing, self.missing = failing, missing
        self._lock = threading.Lock()

    def remote_digest(self, ref: str) -> RemoteDigest:
        with self._lock:
            self.calls.append(ref)
        if registry_host(ref) in self.failing:
            raise RegistryUnavailable(f"{registry_host(ref)} answered 500")
        if ref in self.missing:
            raise ManifestNotFound(f"{ref}: no such tag")
        return RemoteDigest(digest="sha256:" + str(abs(hash(ref))))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_each_unique_reference_is_asked_once() -> None:
    fake = FakeRegistry()
    refs = [f"r.example/app{i % 20}:1" for i in range(100)]
    results = check_references(refs, source=fake, backoff=Backoff(), workers=8)
    assert sorted(fake.calls) == sorted(set(refs))
    assert len(results) == 20
    assert all(r.digest for r in results.values())


def test_a_failing_registry_is_backed_off_exponentially_and_others_are_not() -> None:
    clock = Clock()
    backoff = Backoff(base=30, cap=3600, clock=clock)
    fake = FakeRegistry(failing={"down.example"})
    refs = ["down.example/a:1", "down.example/b:1", "up.example/c:1"]
    first = check_references(refs, source=fake, backoff=backoff)
    assert first["down.example/a:1"].error == "down.example answered 500"
    assert first["up.example/c:1"].digest
    assert backoff.remaining("down.example") == 30  # one step per cycle, not per tag
    fake.calls.clear()
    second = check_references(refs, source=fake, backoff=backoff)
    assert fake.calls == ["up.example/c:1"]
    assert "backed off" in (second["down.example/a:1"].error or "")
    clock.now = 31
    check_references(refs, source=fake, backoff=backoff)
    assert backoff.remaining("down.example") == 60
    fake.failing = set()
    clock.now = 100
    check_references(refs, source=fake, backoff=backoff)
    assert backoff.remaining("down.example") == 0


def test_an_unknown_tag_is_reported_but_does_not_back_off_its_registry() -> None:
    backoff = Backoff()
    fake = FakeRegistry(missing={"r.example/gone:1"})
    results = check_references(["r.example/gone:1"], source=fake, backoff=backoff)
    assert "no such tag" in (results["r.example/gone:1"].error or "")
    assert backoff.remaining("r.example") == 0


def test_registry_host_follows_dockers_rule() -> None:
    assert registry_host("nginx:1") == "docker.io"
    assert registry_host("library/nginx:1") == "docker.io"
    assert registry_host("127.0.0.1:5000/a:1") == "127.0.0.1:5000"
    assert registry_host("localhost/a") == "localhost"
    assert registry_host("ghcr.io/o/a:1") == "ghcr.io"
