"""The engine and registry side of a pipeline run, behind one small protocol.

:class:`Builder` is everything the pipeline asks of the engine, the registry and git; the real
one, :class:`EngineBuilder`, is ``dockyard build``'s own code (``run_build`` without a push, then
``push_built`` once the gate passed). The pipeline's unit tests give it an in-memory one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from dockyard.build import (
    BuildOptions,
    BuildOutcome,
    BuildRegistry,
    PlainReporter,
    checkout,
    push_built,
    run_build,
)
from dockyard.errors import DockerfileError, DockyardError, ImageNotFound
from dockyard.registry import CredentialStore, RegistryClient

if TYPE_CHECKING:
    from dockyard.engine import Engine
    from dockyard.image import LayerSummary

__all__ = ["Builder", "EngineBuilder", "ImageFacts"]

Say = Callable[[str], None]


@dataclass(frozen=True)
class ImageFacts:
    """What the gate reads of a built image."""

    user: str  # Config.User, "" when none
    size_bytes: int  # the engine's (uncompressed) size


class Builder(Protocol):
    def check_push_access(self, repository: str) -> None: ...

    def build(self, options: BuildOptions, *, say: Say) -> BuildOutcome: ...

    def dockerfile_at(self, repo: str, *, revision: str, path: str) -> str: ...

    def image_facts(self, reference: str) -> ImageFacts: ...

    def image_layers(self, reference: str) -> LayerSummary: ...

    def push(self, *, repository: str, tags: tuple[str, ...], say: Say) -> tuple[str, int]: ...

    def repo_digests(self, image_id: str, *, repository: str) -> list[str]: ...

    def close(self) -> None: ...


class EngineBuilder:
    """The real engine, registry and git. Connects to the engine (``engine()``, called once)
    and opens the registry client on first use; :meth:`close` closes both."""

    def __init__(
        self, *, engine: Callable[[], Engine], credentials: CredentialStore | None = None
    ) -> None:
        self._factory = engine
        self._credentials = credentials
        self._engine: Engine | None = None
        self._registry: BuildRegistry | None = None
        self._stack = contextlib.ExitStack()

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._factory()
        return self._engine

    def registry(self) -> BuildRegistry:
        if self._registry is None:
            credentials = self._credentials or CredentialStore.from_environment()
            client = self._stack.enter_context(RegistryClient(credentials=credentials))
            self._registry = BuildRegistry(client=client, credentials=credentials)
        return self._registry

    def check_push_access(self, repository: str) -> None:
        self.registry().check_push_access(repository)

    def build(self, options: BuildOptions, *, say: Say) -> BuildOutcome:
        return run_build(self.engine, options=options, reporter=PlainReporter(say))

    def dockerfile_at(self, repo: str, *, revision: str, path: str) -> str:
        with checkout(repo, ref=revision) as source:
            file = source.path / path
            if not file.is_file():
                raise DockerfileError(f"no Dockerfile at {path} in {repo} ({revision[:12]})")
            return file.read_text(encoding="utf-8", errors="replace")

    def image_facts(self, reference: str) -> ImageFacts:
        from dockyard.engine import inspect_image

        image = inspect_image(self.engine(), ref=reference)
        if image is None:
            raise ImageNotFound(f"the built image {reference[:40]} is gone from the engine")
        return ImageFacts(user=image.user, size_bytes=image.size)

    def image_layers(self, reference: str) -> LayerSummary:
        from dockyard.image import layer_summary

        return layer_summary(self.engine(), ref=reference)

    def push(self, *, repository: str, tags: tuple[str, ...], say: Say) -> tuple[str, int]:
        return push_built(
            self.engine(), self.registry(), image=repository, tags=tags, reporter=PlainReporter(say)
        )

    def repo_digests(self, image_id: str, *, repository: str) -> list[str]:
        """The ``repository@digest`` names the engine knows for ``image_id``. On the containerd
        store an image whose tag moved on keeps none, but its id is the digest it was pulled
        by: that one counts when ``repository`` serves it."""
        from dockyard.engine import inspect_image, uses_containerd_store
        from dockyard.registry import parse_reference

        image = inspect_image(self.engine(), ref=image_id)
        known = list(image.repo_digests) if image is not None else []
        if known or not uses_containerd_store(self.engine()):
            return known
        reference = f"{repository}@{image_id}"
        try:
            with RegistryClient(credentials=self._credentials) as client:
                client.head_manifest(parse_reference(reference))
        except DockyardError:
            return []
        return [reference]

    def close(self) -> None:
        self._stack.close()
        if self._engine is not None:
            with contextlib.suppress(Exception):
                self._engine.close()
