"""The unchanged-commit path: decided by git and the registry alone, tags pointed by the registry.

A real git repository, an in-memory registry that records every call, and an engine factory
that fails the test if it is ever called (the real-registry proof, with DOCKER_HOST pointing
nowhere, is tests/integration/build/test_build_access_and_retag.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from dockyard.build import LABEL_INPUTS, BuildOptions, ServedImage, run_build
from dockyard.build._pipeline import _identity
from dockyard.build._source import resolve
from dockyard.engine import Engine
from dockyard.errors import AuthenticationError
from tests.unit.build.gitrepo import make_repo
from tests.unit.build.notes import Notes

DIGEST = "sha256:" + "ab" * 32


class _Registry:
    def __init__(self, *, inputs: str | None, served: dict[str, str], refuse: bool = False) -> None:
        self.inputs = inputs
        self.served = served
        self.refuse = refuse
        self.calls: list[str] = []
        self.pointed: list[str] = []

    def check_push_access(self, repository: str) -> None:
        self.calls.append("check")
        if self.refuse:
            raise AuthenticationError("registry r does not grant user 'u' push access")

    def auth_config(self, repository: str) -> dict[str, str] | None:
        return None

    def digests(self, references: Sequence[str]) -> dict[str, str | None]:
        self.calls.append("digests")
        return {ref: self.served.get(ref.rsplit(":", 1)[1]) for ref in references}

    def served_image(self, reference: str) -> ServedImage | None:
        self.calls.append("served_image")
        if self.inputs is None:
            return None
        return ServedImage(digest=DIGEST, labels={LABEL_INPUTS: self.inputs}, size_bytes=123)

    def point_tags(self, repository: str, *, digest: str, tags: Sequence[str]) -> None:
        assert digest == DIGEST
        self.pointed.extend(tags)
        self.served.update(dict.fromkeys(tags, digest))

    def stored(self, reference: str) -> tuple[str, int] | None:
        raise AssertionError("nothing was pushed")


def _no_engine() -> Engine:
    raise AssertionError("the engine must not be needed")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "app"
    make_repo(path, {"Dockerfile": "FROM scratch\n"})
    return path


def _options(repo: Path, *tags: str) -> BuildOptions:
    return BuildOptions(source=repo.as_uri(), image="reg.example/app", tags=tags, push=True)


def _identity_of(options: BuildOptions) -> tuple[str, str]:
    """(inputs hash, sha tag) as the pipeline derives them for this commit."""
    info = resolve(options.source)
    assert info is not None
    identity = _identity(info, options=options)
    return identity.inputs, next(t for t in identity.tags if t.startswith("sha-"))


def test_an_unchanged_commit_points_only_missing_tags_without_the_engine(repo: Path) -> None:
    options = _options(repo, "stable")
    inputs, sha_tag = _identity_of(options)
    registry = _Registry(
        inputs=inputs, served={sha_tag: DIGEST, "main": DIGEST, "latest": "sha256:old"}
    )
    notes = Notes()
    outcome = run_build(_no_engine, options=options, reporter=notes, registry=registry)
    assert outcome.skipped is True
    assert outcome.digest == DIGEST
    assert outcome.size_bytes == 123
    assert sorted(registry.pointed) == ["latest", "stable"]
    assert f"pointing latest, stable at {DIGEST} in the registry" in notes.lines
    assert not any(line.startswith("fetching") for line in notes.lines)  # no clone


def test_other_inputs_under_the_same_sha_tag_mean_a_build(repo: Path) -> None:
    registry = _Registry(inputs="something-else", served={})
    with pytest.raises(AssertionError, match="engine must not be needed"):
        run_build(_no_engine, options=_options(repo), reporter=Notes(), registry=registry)
    assert registry.pointed == []


def test_refused_push_access_stops_before_the_registry_is_read(repo: Path) -> None:
    registry = _Registry(inputs=None, served={}, refuse=True)
    with pytest.raises(AuthenticationError):
        run_build(_no_engine, options=_options(repo), reporter=Notes(), registry=registry)
    assert registry.calls == ["check"]
