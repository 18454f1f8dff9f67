"""``dockyard build`` end to end: check the registry, clone, tag, skip or build, push, verify.

The order is what keeps a failure from leaving anything half-done: the registry is asked first
(reachable? credentials accepted for push?) so a refused login fails before minutes of building;
every tag is pushed, then the registry itself is asked which digest it serves for each tag, and
that answer, not the engine's, is what is reported.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import posixpath
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from dockyard.build._inputs import inputs_hash
from dockyard.build._source import Source, SourceInfo, checkout, resolve
from dockyard.build._tags import LABEL_INPUTS, oci_labels, plan_tags
from dockyard.errors import DockerfileError, RegistryError, UsageError
from dockyard.secrets import Secret

if TYPE_CHECKING:
    from dockyard.engine import BuildEvent, Engine

__all__ = [
    "BuildOptions",
    "BuildOutcome",
    "Registry",
    "Reporter",
    "ServedImage",
    "push_built",
    "run_build",
    "start_lookup",
]

_TRANSLATED_DOCKERFILE = ".dockyard-heredoc/Dockerfile"


class Reporter(Protocol):
    """Where progress goes (the CLI renders it live on a terminal, as plain lines otherwise)."""

    def note(self, text: str) -> None: ...

    def event(self, event: BuildEvent) -> None: ...


class Registry(Protocol):
    """What the pipeline asks of the registry; :mod:`._registry` adapts dockyard.registry."""

    def check_push_access(self, repository: str) -> None: ...

    def auth_config(self, repository: str) -> dict[str, str] | None: ...

    def digests(self, references: Sequence[str]) -> dict[str, str | None]: ...

    def served_image(self, reference: str) -> ServedImage | None: ...

    def point_tags(self, repository: str, *, digest: str, tags: Sequence[str]) -> None: ...

    def stored(self, reference: str) -> tuple[str, int] | None: ...


@dataclass(frozen=True)
class ServedImage:
    """What the registry serves under a reference: read once, for the skip decision."""

    digest: str
    labels: Mapping[str, str]
    size_bytes: int


@dataclass(frozen=True)
class BuildOptions:
    source: str
    image: str
    ref: str | None = None
    file: str | None = None
    context: str = "."
    tags: tuple[str, ...] = ()
    build_args: Mapping[str, str] = field(default_factory=dict)
    platform: str | None = None
    push: bool = False
    force: bool = False
    network_mode: str | None = None
    # BuildKit secret mounts by id: served to the build over a session, never build args
    secrets: Mapping[str, Secret] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildOutcome:
    image: str
    tags: tuple[str, ...]
    digest: str | None
    revision: str
    size_bytes: int
    duration_s: float
    skipped: bool
    image_id: str | None = None
    dockerfile: str | None = None  # the Dockerfile's text, when this run read it (not on a skip)
    subject: str = ""  # the commit's subject line and author, when this run cloned it
    author: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "image": self.image,
            "tags": list(self.tags),
            "digest": self.digest,
            "revision": self.revision,
            "size_bytes": self.size_bytes,
            "duration_s": round(self.duration_s, 3),
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class _Identity:
    """What the build will be called and labelled: known before any file is read."""

    tags: tuple[str, ...]
    labels: dict[str, str]
    inputs: str
    revision: str


@dataclass(frozen=True)
class _Plan:
    tags: tuple[str, ...]
    labels: dict[str, str]
    inputs: str
    dockerfile_path: str  # inside the context
    relative_path: str  # inside the repository, as the user names it
    dockerfile_text: str
    context_dir: Path


def _engine_api() -> ModuleType:
    """dockyard.engine, imported on first use: it loads the docker SDK (~0.15 s), which a build
    found unchanged by the registry never needs."""
    import dockyard.engine

    return dockyard.engine


class _LazyEngine:
    """Connects on first use, so a skipped build does not pay for the engine; :meth:`prewarm`
    connects in the background while git clones, once it is clear the engine will be needed."""

    def __init__(self, factory: Callable[[], Engine]) -> None:
        self._factory = factory
        self._engine: Engine | None = None
        self._warming: concurrent.futures.Future[None] | None = None
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self.buildkit: bool | None = None

    def prewarm(self) -> None:
        if self._warming is None and self._engine is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
            self._warming = self._pool.submit(self._connect)

    def _connect(self) -> None:
        engine = self._factory()
        self.buildkit = _engine_api().buildkit_available(engine)
        self._engine = engine

    def get(self) -> Engine:
        if self._warming is not None:
            warming, self._warming = self._warming, None
            try:
                warming.result()
            finally:
                if self._pool is not None:
                    self._pool.shutdown()
        if self._engine is None:
            self._engine = self._factory()
        return self._engine


def start_lookup(options: BuildOptions) -> concurrent.futures.Future[SourceInfo | None] | None:
    """Start ``git ls-remote`` in the background: it waits on a subprocess, so it runs beside
    the imports and the registry check instead of after them. None when ``--force`` needs no
    skip check. Its errors surface only when the result is read, after the registry's."""
    if options.force:
        return None
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ls-remote")
    future = pool.submit(resolve, options.source, ref=options.ref)
    pool.shutdown(wait=False)
    return future


def run_build(
    engine: Callable[[], Engine],
    *,
    options: BuildOptions,
    reporter: Reporter,
    registry: Registry | None = None,
    lookup: concurrent.futures.Future[SourceInfo | None] | None = None,
) -> BuildOutcome:
    """The whole command; raises a :class:`DockyardError` subclass on every expected failure.

    ``engine`` is called (once) only when the engine is needed: a build the registry already
    serves needs none. ``size_bytes`` is what the registry stores (config and compressed layers)
    for a pushed image, the engine's uncompressed size otherwise. ``lookup`` is a
    :func:`start_lookup` begun earlier by the caller (one is started here otherwise).
    """
    started = time.monotonic()
    lazy = _LazyEngine(engine)
    repository = _repository(options.image)
    if lookup is None:
        lookup = start_lookup(options)
    if options.push:
        if registry is None:
            raise UsageError("--push needs a registry client")
        reporter.note(f"checking push access to {repository}")
        registry.check_push_access(repository)
    if options.force or not options.push:
        lazy.prewarm()
    if lookup is not None:
        # The commit is known from `git ls-remote` alone: an unchanged one needs no clone.
        known = lookup.result()
        if known is not None and known.dirty:
            reporter.note("the work tree has uncommitted changes: building them, no skip check")
        elif known is not None:
            early = _identity(known, options=options)
            skipped = _already_built(lazy, registry, repository, early, options, reporter)
            if skipped is not None:
                return _finish(skipped, started=started)
    lazy.prewarm()
    reporter.note(f"fetching {options.source}" + (f" at {options.ref}" if options.ref else ""))
    with checkout(options.source, ref=options.ref) as source:
        reporter.note(_describe(source))
        plan = _plan(source, options=options)
        image_id = _build(lazy, plan, repository=repository, options=options, reporter=reporter)
    digest = None
    if options.push and registry is not None:
        digest, size = _push_all(
            lazy.get(), registry, repository=repository, tags=plan.tags, reporter=reporter
        )
    else:
        size = _engine_api().image_size(lazy.get(), ref=image_id)
    return BuildOutcome(
        image=repository,
        tags=plan.tags,
        digest=digest,
        revision=source.info.revision,
        size_bytes=size,
        duration_s=time.monotonic() - started,
        skipped=False,
        image_id=image_id,
        dockerfile=plan.dockerfile_text,
        subject=source.info.subject,
        author=source.info.author,
    )


def push_built(
    engine: Engine,
    registry: Registry,
    *,
    image: str,
    tags: Sequence[str],
    reporter: Reporter,
) -> tuple[str, int]:
    """Push the tags of an image :func:`run_build` built without ``push`` (a caller that checks
    the image between the build and the push): (the digest the registry serves, stored size)."""
    if not tags:
        raise UsageError("nothing to push: the build made no tags")
    return _push_all(
        engine, registry, repository=_repository(image), tags=tuple(tags), reporter=reporter
    )


def _finish(outcome: BuildOutcome, *, started: float) -> BuildOutcome:
    return BuildOutcome(
        image=outcome.image,
        tags=outcome.tags,
        digest=outcome.digest,
        revision=outcome.revision,
        size_bytes=outcome.size_bytes,
        duration_s=time.monotonic() - started,
        skipped=True,
        image_id=outcome.image_id,
    )


def _repository(image: str) -> str:
    name = image.strip()
    last = name.rsplit("/", 1)[-1]
    if not name or "@" in name or ":" in last:
        raise UsageError(
            f"--image {image!r}: give a repository without tag or digest; add tags with --tag"
        )
    if name != name.lower():
        raise UsageError(f"--image {image!r}: repository names must be lower-case")
    return name


def _describe(source: Source) -> str:
    info = source.info
    what = info.branch or info.tag or "commit"
    return f"source {info.url} {what} at {info.revision[:12]}"


def _plan(source: Source, *, options: BuildOptions) -> _Plan:
    root = source.path.resolve()
    context_dir = _inside(root, options.context, what="--context")
    if not context_dir.is_dir():
        raise DockerfileError(f"no context directory {options.context!r} in {source.info.url}")
    dockerfile = (
        _inside(root, options.file, what="--file") if options.file else context_dir / "Dockerfile"
    )
    if not dockerfile.is_file():
        shown = dockerfile.relative_to(root).as_posix()
        raise DockerfileError(
            f"no Dockerfile at {shown} in {source.info.url} ({source.info.revision[:12]}); "
            "use --file/--context to point at it"
        )
    relative = _dockerfile_relative(options)
    text = dockerfile.read_text(encoding="utf-8", errors="replace")
    from dockyard.dockerfile import parse  # only a build reads a Dockerfile (start-up time)

    parse(text, path=relative)  # a syntax error stops here, with its line
    try:
        in_context = dockerfile.relative_to(context_dir).as_posix()
    except ValueError:
        in_context = ""
    identity = _identity(source.info, options=options)
    return _Plan(
        tags=identity.tags,
        labels=identity.labels,
        inputs=identity.inputs,
        dockerfile_path=in_context,
        relative_path=relative,
        dockerfile_text=text,
        context_dir=context_dir,
    )


def _identity(info: SourceInfo, *, options: BuildOptions) -> _Identity:
    inputs = inputs_hash(
        revision=info.revision,
        dockerfile=_dockerfile_relative(options),
        context=_normalized(options.context, what="--context"),
        build_args=options.build_args,
        platform=options.platform,
    )
    tag_plan = plan_tags(
        revision=info.revision,
        branch=info.branch,
        is_default_branch=info.is_default_branch,
        git_tags=info.tags,
        ref_is_tag=info.branch is None and info.tag is not None and options.ref is not None,
        extra=options.tags,
    )
    labels = oci_labels(
        source_url=info.url,
        revision=info.revision,
        version=tag_plan.version,
        created=datetime.now(tz=UTC),
        title=PurePosixPath(info.url.rstrip("/")).name.removesuffix(".git") or None,
        extra={LABEL_INPUTS: inputs},
    )
    return _Identity(tags=tag_plan.tags, labels=labels, inputs=inputs, revision=info.revision)


def _normalized(relative: str, *, what: str) -> str:
    """A repository-relative path in one spelling (``./a/`` and ``a`` hash alike)."""
    path = posixpath.normpath(relative.replace("\\", "/"))
    if path.startswith(("../", "/")) or path == "..":
        raise UsageError(f"{what} {relative!r} points outside the repository")
    return path


def _dockerfile_relative(options: BuildOptions) -> str:
    if options.file:
        return _normalized(options.file, what="--file")
    return _normalized(posixpath.join(options.context, "Dockerfile"), what="--context")


def _inside(root: Path, relative: str, *, what: str) -> Path:
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise UsageError(f"{what} {relative!r} points outside the repository")
    return path


def _already_built(
    engine: _LazyEngine,
    registry: Registry | None,
    repository: str,
    plan: _Identity,
    options: BuildOptions,
    reporter: Reporter,
) -> BuildOutcome | None:
    """The same inputs were built (and pushed) before: point every tag at it and stop."""
    revision_tag = next(t for t in plan.tags if t.startswith("sha-"))
    revision = plan.revision
    if options.push and registry is not None:
        reference = f"{repository}:{revision_tag}"
        others = [t for t in plan.tags if t != revision_tag]
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            # The other tags' HEADs go out while the image is read: one round trip less.
            current = pool.submit(registry.digests, [f"{repository}:{t}" for t in others])
            served = registry.served_image(reference)
            if served is None or served.labels.get(LABEL_INPUTS) != plan.inputs:
                current.cancel()
                return None
            reporter.note(f"already built and pushed: {reference} ({served.digest})")
            missing = [t for t in others if current.result()[f"{repository}:{t}"] != served.digest]
        if missing:
            reporter.note(f"pointing {', '.join(missing)} at {served.digest} in the registry")
            registry.point_tags(repository, digest=served.digest, tags=missing)
        return BuildOutcome(
            repository, plan.tags, served.digest, revision, served.size_bytes, 0.0, True
        )
    if options.push:
        return None
    api = _engine_api()
    images = api.find_images_by_label(engine.get(), key=LABEL_INPUTS, value=plan.inputs)
    if not images:
        return None
    references = [f"{repository}:{t}" for t in plan.tags]
    api.tag_image(engine.get(), image_id=images[0], references=references)
    reporter.note(f"already built: {repository}:{revision_tag} ({images[0][:19]})")
    size = api.image_size(engine.get(), ref=images[0])
    return BuildOutcome(repository, plan.tags, None, revision, size, 0.0, True, images[0])


def _build(
    lazy: _LazyEngine, plan: _Plan, *, repository: str, options: BuildOptions, reporter: Reporter
) -> str:
    engine = lazy.get()
    dockerfile_path, extra = _dockerfile_for_engine(
        engine, plan, options=options, reporter=reporter
    )
    with _context_tar(plan.context_dir, extra=extra, dockerfile=dockerfile_path) as tar_path:
        request = _engine_api().BuildRequest(
            context_tar=tar_path,
            dockerfile=dockerfile_path,
            tags=tuple(f"{repository}:{tag}" for tag in plan.tags),
            build_args=dict(options.build_args),
            labels=plan.labels,
            platform=options.platform,
            network_mode=options.network_mode,
            secrets=options.secrets,
        )
        try:
            built = _engine_api().build_image(
                engine, request=request, on_event=reporter.event, buildkit=lazy.buildkit
            )
        except DockerfileError as exc:
            raise _located(exc, plan=plan, translated=bool(extra)) from exc
    reporter.note(f"built {built.id[:19]} with {built.builder}")
    return str(built.id)


def _located(exc: DockerfileError, *, plan: _Plan, translated: bool) -> DockerfileError:
    """The engine's parse error, pointed at the user's file (lines move when heredocs were
    rewritten, so then the rewritten file is named instead)."""
    if exc.line is None:
        return exc
    message = exc.message.split(": ", 1)[1] if exc.path else exc.message
    if translated:
        where = f"{plan.relative_path} (heredocs translated)"
        return DockerfileError(message, path=where, line=exc.line)
    return DockerfileError(message, path=plan.relative_path, line=exc.line)


def _dockerfile_for_engine(
    engine: Engine, plan: _Plan, *, options: BuildOptions, reporter: Reporter
) -> tuple[str, dict[str, bytes]]:
    """The Dockerfile path to name in the request, and generated files to add to the context."""
    from dockyard.build._heredoc import needs_translation, translate_heredocs
    from dockyard.dockerfile import parse

    dockerfile = parse(plan.dockerfile_text, path=plan.dockerfile_path or "Dockerfile")
    if needs_translation(
        dockerfile, frontend_has_heredocs=engine.facts.builtin_frontend_has_heredocs
    ):
        translation = translate_heredocs(
            plan.dockerfile_text, path=plan.dockerfile_path, build_args=options.build_args
        )
        reporter.note(
            f"engine {engine.facts.version}: its Dockerfile frontend predates heredocs; "
            f"{translation.translated} instruction(s) rewritten to equivalent syntax"
        )
        files = dict(translation.files)
        files[_TRANSLATED_DOCKERFILE] = translation.text.encode()
        return _TRANSLATED_DOCKERFILE, files
    logging.getLogger(__name__).info(
        "engine %s (API %s): Dockerfile sent as written (%s)",
        engine.facts.version,
        engine.facts.api_version,
        "its frontend knows heredocs"
        if engine.facts.builtin_frontend_has_heredocs
        else "no heredocs in it",
    )
    if plan.dockerfile_path:
        return plan.dockerfile_path, {}
    return _TRANSLATED_DOCKERFILE, {_TRANSLATED_DOCKERFILE: plan.dockerfile_text.encode()}


@contextlib.contextmanager
def _context_tar(context_dir: Path, *, extra: dict[str, bytes], dockerfile: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dockyard-ctx-") as tmp:
        path = Path(tmp) / "context.tar"
        with open(path, "wb") as handle:
            _engine_api().write_context_tar(
                context_dir=context_dir,
                destination=handle,
                extra_files=extra,
                dockerfile=dockerfile,
            )
        yield path


def _push_all(
    engine: Engine,
    registry: Registry,
    *,
    repository: str,
    tags: tuple[str, ...],
    reporter: Reporter,
) -> tuple[str, int]:
    """Push every tag; a failure names the tags that did land. Then ask the registry which
    digest each tag serves, and the stored size (one manifest GET for the first tag, HEADs for
    the others beside it).

    The first tag uploads the layers; the others only add a manifest each, so they go in
    parallel.
    """
    auth = registry.auth_config(repository)
    landed: list[str] = []

    def push(tag: str) -> None:
        reporter.note(f"pushing {repository}:{tag}")
        _engine_api().push_tag(
            engine, repository=repository, tag=tag, auth_config=auth, on_progress=reporter.note
        )
        landed.append(tag)

    try:
        push(tags[0])
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            for future in [pool.submit(push, tag) for tag in tags[1:]]:
                future.result()
    except RegistryError as exc:
        if landed:
            exc.message = f"{exc.message} (already pushed: {', '.join(landed)})"
            exc.args = (exc.message,)
        raise
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        others = pool.submit(registry.digests, [f"{repository}:{tag}" for tag in tags[1:]])
        first = registry.stored(f"{repository}:{tags[0]}")
        by_reference = others.result()
    digests = {tags[0]: first[0] if first else None}
    digests.update({tag: by_reference[f"{repository}:{tag}"] for tag in tags[1:]})
    served = {d for d in digests.values() if d}
    if len(served) != 1 or None in digests.values():
        raise RegistryError(
            "the registry serves unexpected digests after the push: "
            + ", ".join(f"{t}={d}" for t, d in digests.items())
        )
    digest = served.pop()
    reporter.note(f"pushed {len(tags)} tag(s) of {repository}: {digest}")
    size = first[1] if first is not None else 0  # None was refused above
    return digest, size
