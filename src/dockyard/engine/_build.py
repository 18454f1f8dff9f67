"""Build an image through the Engine API, with BuildKit where the engine has it.

No ``docker`` or ``buildx`` binary is needed: ``POST /build?version=2`` runs BuildKit inside the
engine when the build context comes as a tar body, and streams BuildKit's progress as
``moby.buildkit.trace`` protobuf lines (decoded by :mod:`._buildkit_trace`). The SDK's
``APIClient.build`` has no ``version`` parameter, so :func:`_post_build` uses its low-level
request helpers; that keeps DOCKER_HOST, TLS and ssh transports exactly as the SDK handles them.
Engines without BuildKit (Podman, old Docker) get the same request without ``version=2``.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json
import re
import tarfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import docker.errors
import docker.utils.build

from dockyard.engine._buildkit_trace import TraceDecodeError, TraceUpdate, decode_trace
from dockyard.engine._client import Engine, translate_errors
from dockyard.engine._images import uses_containerd_store
from dockyard.errors import BuildError, DockerfileError, EngineError, ImageNotFound
from dockyard.secrets import Secret

__all__ = [
    "BuildEvent",
    "BuildRequest",
    "BuiltImage",
    "build_image",
    "buildkit_available",
    "find_images_by_label",
    "image_labels",
    "image_size",
    "pull_by_digest",
    "remove_image",
    "run_image_once",
    "tag_image",
    "write_context_tar",
]

LOG_TAIL_LINES = 20


@dataclass(frozen=True)
class BuildRequest:
    """What to build; ``dockerfile`` is a path inside the context tar."""

    context_tar: Path
    dockerfile: str = "Dockerfile"
    tags: tuple[str, ...] = ()
    build_args: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    platform: str | None = None
    target: str | None = None
    network_mode: str | None = None
    no_cache: bool = False
    # BuildKit secret mounts by id (RUN --mount=type=secret,id=...), served over a session
    secrets: Mapping[str, Secret] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildEvent:
    """Progress for a person: a step started or finished, a line of its output, or a note."""

    kind: Literal["step", "done", "log", "note"]
    step: str
    text: str = ""
    cached: bool = False


@dataclass(frozen=True)
class BuiltImage:
    id: str
    builder: Literal["buildkit", "classic"]


def buildkit_available(engine: Engine) -> bool:
    """BuildKit answers ``version=2`` on Docker since API 1.39, or when ``/_ping`` says so."""
    api = engine.sdk.api
    with translate_errors("asking the engine for its builder"):
        response = api._get(api._url("/_ping"))
    if response.headers.get("Builder-Version") == "2":
        return True
    facts = engine.facts
    return facts.product == "docker" and facts.api_tuple >= (1, 39)


def write_context_tar(
    *,
    context_dir: Path,
    destination: IO[bytes],
    extra_files: Mapping[str, bytes] | None = None,
    dockerfile: str = "Dockerfile",
) -> None:
    """Tar the context as ``docker build`` sends it: ``.dockerignore`` honoured, GNU format.

    GNU format matters: BuildKit sniffs the body to tell a tar from a bare Dockerfile, and a PAX
    header in front (Python's default for float mtimes) makes it read the tar as a Dockerfile.
    ``extra_files`` (generated files such as translated heredocs) are added under their names.
    """
    root = context_dir.resolve()
    patterns = _dockerignore(root)
    members = sorted(docker.utils.build.exclude_paths(str(root), patterns, dockerfile=dockerfile))
    with tarfile.open(fileobj=destination, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name in members:
            info = archive.gettarinfo(str(root / name), arcname=name)
            info.mtime = int(info.mtime)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if info.isreg():
                with open(root / name, "rb") as handle:
                    archive.addfile(info, handle)
            else:
                archive.addfile(info)
        for name, content in sorted((extra_files or {}).items()):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            archive.addfile(info, _BytesReader(content))


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return chunk


def _dockerignore(root: Path) -> list[str]:
    path = root / ".dockerignore"
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def build_image(
    engine: Engine,
    *,
    request: BuildRequest,
    on_event: Callable[[BuildEvent], None] | None = None,
    buildkit: bool | None = None,
) -> BuiltImage:
    """Build and return the image id; a failed build raises :class:`BuildError` with its log."""
    emit = on_event or (lambda _event: None)
    use_buildkit = buildkit_available(engine) if buildkit is None else buildkit
    if not use_buildkit:
        if request.secrets:
            raise BuildError(
                "build secrets need BuildKit, and this engine has none (Docker 18.09 or later)"
            )
        emit(BuildEvent("note", "", "no BuildKit in this engine: using the classic builder"))
    reader = _BuildKitReader(emit) if use_buildkit else _ClassicReader(emit)
    # On the containerd image store, a build that names its tags itself drops the image a tag
    # pointed at before, even while a container runs it: its config (CMD, ENV, the defaults a
    # redeploy must tell from the container's own settings) can no longer be inspected. Tagged
    # through the API afterwards, the replaced image is kept, untagged, as the classic store
    # keeps it.
    tags = request.tags
    tag_after = bool(tags) and uses_containerd_store(engine)
    if tag_after:
        request = dataclasses.replace(request, tags=())
    with contextlib.ExitStack() as stack, open(request.context_tar, "rb") as body:
        session = None
        if request.secrets:
            from dockyard.engine._session import secrets_session

            session = stack.enter_context(secrets_session(engine, request.secrets))
        for message in _post_build(
            engine, request=request, body=body, buildkit=use_buildkit, session=session
        ):
            reader.feed(message)
    if reader.image_id is None:
        raise BuildError("the engine finished the build without reporting an image id")
    if tag_after:
        tag_image(engine, image_id=reader.image_id, references=tags)
    return BuiltImage(id=reader.image_id, builder="buildkit" if use_buildkit else "classic")


def _post_build(
    engine: Engine,
    *,
    request: BuildRequest,
    body: IO[bytes],
    buildkit: bool,
    session: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The one place that calls ``POST /build`` through the SDK's low-level helpers."""
    params: dict[str, Any] = {
        "t": list(request.tags),
        "dockerfile": request.dockerfile,
        "rm": "1",
        "forcerm": "1",
        "buildargs": json.dumps(dict(request.build_args)),
        "labels": json.dumps(dict(request.labels)),
    }
    if buildkit:
        params["version"] = "2"
    if request.platform:
        params["platform"] = request.platform
    if request.target:
        params["target"] = request.target
    if request.network_mode:
        params["networkmode"] = request.network_mode
    if request.no_cache:
        params["nocache"] = "1"
    if session:
        params["session"] = session
    api = engine.sdk.api
    with translate_errors("building the image"):
        response = api._post(
            api._url("/build"),
            data=body,
            params=params,
            headers={"Content-Type": "application/x-tar"},
            stream=True,
            timeout=None,
        )
        try:
            api._raise_for_status(response)
        except docker.errors.APIError as exc:
            raise _request_error(exc) from exc
        yield from api._stream_helper(response, decode=True)


def _request_error(exc: docker.errors.APIError) -> EngineError | DockerfileError | BuildError:
    explanation = str(exc.explanation or exc).strip()
    if _PARSE_ERROR.search(explanation):
        return _failure(explanation, where="", tail=[])
    return BuildError(f"the engine refused the build: {explanation}")


class _BuildKitReader:
    """Turns trace lines into events, remembers step output for the log tail, finds the image id."""

    def __init__(self, emit: Callable[[BuildEvent], None]) -> None:
        self._emit = emit
        self._names: dict[str, str] = {}
        self._started: set[str] = set()
        self._done: set[str] = set()
        self._partial: dict[str, bytes] = {}
        self._tail: collections.deque[tuple[str, str]] = collections.deque(maxlen=200)
        self._errors: list[tuple[str, str]] = []
        self.image_id: str | None = None

    def feed(self, message: Mapping[str, Any]) -> None:
        if message.get("id") == "moby.buildkit.trace" and isinstance(message.get("aux"), str):
            try:
                self._update(decode_trace(message["aux"]))
            except TraceDecodeError as exc:
                self._emit(BuildEvent("note", "", f"unreadable progress line skipped: {exc}"))
        elif message.get("id") == "moby.image.id":
            self.image_id = str(message.get("aux", {}).get("ID", "")) or None
        elif "errorDetail" in message or "error" in message:
            self._fail(_error_text(message))
        elif isinstance(message.get("stream"), str) and message["stream"].strip():
            self._emit(BuildEvent("note", "", message["stream"].strip()))

    def _update(self, update: TraceUpdate) -> None:
        for vertex in update.vertexes:
            self._names[vertex.digest] = vertex.name
            if vertex.error:
                self._errors.append((vertex.digest, vertex.error))
            if vertex.started and vertex.digest not in self._started:
                self._started.add(vertex.digest)
                self._emit(BuildEvent("step", vertex.name, cached=vertex.cached))
            if vertex.completed and vertex.digest not in self._done:
                self._done.add(vertex.digest)
                self._emit(BuildEvent("done", vertex.name, vertex.error, cached=vertex.cached))
        for log in update.logs:
            self._log(log.vertex, log.data)

    def _log(self, vertex: str, data: bytes) -> None:
        text = self._partial.pop(vertex, b"") + data
        *lines, rest = text.split(b"\n")
        if rest:
            self._partial[vertex] = rest
        step = self._names.get(vertex, "")
        for raw in lines:
            line = raw.decode("utf-8", errors="replace").rstrip("\r")
            self._tail.append((vertex, line))
            self._emit(BuildEvent("log", step, line))

    def _fail(self, error: str) -> None:
        for vertex, rest in list(self._partial.items()):
            self._tail.append((vertex, rest.decode("utf-8", errors="replace")))
        failed = {digest for digest, _ in self._errors}
        lines = [line for vertex, line in self._tail if vertex in failed] or [
            line for _, line in self._tail
        ]
        tail = lines[-LOG_TAIL_LINES:]
        step = next((self._names.get(d, "") for d, _ in self._errors), "")
        where = f" at {step.split(']')[0]}]" if step.startswith("[") else ""
        raise _failure(error, where=where, tail=tail)


class _ClassicReader:
    """The classic builder's stream: ``stream`` lines of text, ``aux.ID`` at the end."""

    def __init__(self, emit: Callable[[BuildEvent], None]) -> None:
        self._emit = emit
        self._tail: collections.deque[str] = collections.deque(maxlen=LOG_TAIL_LINES)
        self._step = ""
        self.image_id: str | None = None

    def feed(self, message: Mapping[str, Any]) -> None:
        if "errorDetail" in message or "error" in message:
            raise _failure(_error_text(message), where="", tail=list(self._tail))
        aux = message.get("aux")
        if isinstance(aux, Mapping) and aux.get("ID"):
            self.image_id = str(aux["ID"])
        stream = message.get("stream")
        if not isinstance(stream, str):
            return
        for line in stream.splitlines():
            if line.startswith("Step "):
                self._step = line
                self._emit(BuildEvent("step", line))
            elif line.strip():
                self._tail.append(line)
                self._emit(BuildEvent("log", self._step, line))


def _error_text(message: Mapping[str, Any]) -> str:
    detail = message.get("errorDetail")
    if isinstance(detail, Mapping) and detail.get("message"):
        return str(detail["message"])
    return str(message.get("error", "unknown build error"))


# BuildKit's words: "... parse error line 2: ..." (Engine 20.10), "... parse error on line 2: ..."
# (Engine 28)
_PARSE_ERROR = re.compile(
    r"dockerfile parse error (?:on )?line (?P<line>\d+): (?P<message>.*)", re.I
)


def _failure(error: str, *, where: str, tail: list[str]) -> BuildError | DockerfileError:
    """A Dockerfile the engine could not parse is the user's input error (exit 9), not a build."""
    first = error.strip().splitlines()[0] if error.strip() else "unknown error"
    parse_error = _PARSE_ERROR.search(first)
    if parse_error:
        return DockerfileError(
            parse_error["message"], path="Dockerfile", line=int(parse_error["line"])
        )
    if "failed to parse dockerfile" in first.lower():
        return DockerfileError(first)
    return BuildError(f"the build failed{where}: {first}", log_tail=tail)


def find_images_by_label(engine: Engine, *, key: str, value: str) -> list[str]:
    """Ids of local images carrying label ``key=value`` (newest first)."""
    with translate_errors("listing images"):
        images = engine.sdk.api.images(filters={"label": f"{key}={value}"})
    ordered = sorted(images, key=lambda image: image.get("Created", 0), reverse=True)
    return [str(image["Id"]) for image in ordered]


def image_size(engine: Engine, *, ref: str) -> int:
    with translate_errors(f"inspecting {ref}"):
        return int(engine.sdk.api.inspect_image(ref).get("Size", 0))


def image_labels(engine: Engine, *, ref: str) -> dict[str, str]:
    with translate_errors(f"inspecting {ref}"):
        config = engine.sdk.api.inspect_image(ref).get("Config") or {}
    return dict(config.get("Labels") or {})


def tag_image(engine: Engine, *, image_id: str, references: Iterable[str]) -> None:
    """Point each ``repository:tag`` at ``image_id`` in the engine."""
    with translate_errors(f"tagging {image_id[:19]}"):
        for reference in references:
            repository, _, tag = reference.rpartition(":")
            engine.sdk.api.tag(image_id, repository, tag, force=True)


def remove_image(engine: Engine, *, ref: str) -> None:
    """Remove one tag or image; a missing one is not an error (cleanup after a test or a demo)."""
    with (
        contextlib.suppress(ImageNotFound),
        translate_errors(f"removing {ref}", not_found=ImageNotFound),
    ):
        engine.sdk.api.remove_image(ref, force=True)


def pull_by_digest(
    engine: Engine, *, repository: str, digest: str, auth_config: Mapping[str, str] | None
) -> str:
    """Pull ``repository@digest`` and return the local image id."""
    with translate_errors(f"pulling {repository}@{digest}"):
        engine.sdk.api.pull(
            repository, tag=digest, auth_config=dict(auth_config) if auth_config else None
        )
        return str(engine.sdk.api.inspect_image(f"{repository}@{digest}")["Id"])


def run_image_once(engine: Engine, *, ref: str, timeout_s: float = 60.0) -> str:
    """Run ``ref`` once without network and return its output (stdout + stderr)."""
    with translate_errors(f"running {ref}"):
        container = engine.sdk.containers.create(ref, network_mode="none")
        try:
            container.start()
            status = container.wait(timeout=timeout_s)
            output = container.logs(stdout=True, stderr=True)
        finally:
            container.remove(force=True)
    text = output.decode("utf-8", errors="replace") if isinstance(output, bytes) else str(output)
    code = int(status.get("StatusCode", 0))
    if code:
        raise EngineError(f"{ref} exited with status {code}: {text.strip()[-200:]}")
    return text
