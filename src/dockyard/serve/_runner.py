"""How the inbox's workers run the pipeline: in the server's interpreter, or each run in a child.

:class:`PipelineRunner` runs :func:`~dockyard.serve._pipeline.run_pipeline` in the calling
thread (the tests' fakes plug in there). :class:`ProcessRunner`, what ``dockyard serve`` uses,
runs each one in a process of its own (``python -m dockyard.serve._child``), so that:

- the server never imports the engine client, the BuildKit session or the deploy core, and a
  build's buffers end with its process: the server stays as small after a hundred builds as at
  start;
- a build's CPU (tar streams, JSON, TLS) does not hold the server's interpreter while webhooks
  are answered.

The child gets its :class:`Job` pickled on stdin (no argument or variable carries a secret),
opens the store itself and writes the build's stages, log and deployments into it exactly as
an in-process run would; the API and the dashboard read them from there. Its one line on stdout
is the run's :class:`Outcome`. It dies with the server (``PR_SET_PDEATHSIG``): a server killed
with SIGKILL leaves no build running on, so its restart can retry the build without racing an
orphan. It runs in a session of its own, so a Ctrl-C meant for the server (which then lets
running jobs finish) does not reach it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import enum
import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dockyard.errors import DockyardError
from dockyard.registry import CredentialStore, RegistryClient, parse_reference
from dockyard.secrets import redact
from dockyard.serve._config import App
from dockyard.serve._inbox import StoreSink
from dockyard.serve._pipeline import (
    PipelineContext,
    Stage,
    deploy_reference,
    run_pipeline,
    run_rollback,
)
from dockyard.serve._poll import branch_head

if TYPE_CHECKING:
    from dockyard.deploy import Deployer, DeployResult, Health, Target
    from dockyard.engine import Engine

__all__ = [
    "Job",
    "JobKind",
    "LazyDeployer",
    "Outcome",
    "PipelineRunner",
    "ProcessRunner",
    "child_failure",
    "child_main",
    "pipeline_context",
]

log = logging.getLogger("dockyard.serve")

_PR_SET_PDEATHSIG = 1


class LazyDeployer:
    """The deploy core, connected to the engine on first use (an app without deploy targets
    never needs the engine)."""

    def __init__(self, state_dir: Path, *, credentials: CredentialStore) -> None:
        self._state_dir = state_dir
        self.credentials = credentials
        self._real: Deployer | None = None
        self._lock = threading.Lock()

    def real(self) -> Deployer:
        with self._lock:
            if self._real is None:
                from dockyard.deploy import Deployer, DeploySettings
                from dockyard.engine import Engine

                self._real = Deployer(
                    engine=Engine(),
                    settings=DeploySettings(state_dir=self._state_dir),
                    # the nodes and the engine pull with the logins the push used
                    auth_for=self.credentials.engine_auth,
                )
            return self._real

    def deploy(self, targets: Sequence[Target], *, image: str, digest: str) -> DeployResult:
        return self.real().deploy(targets, image=image, digest=digest)

    def health(self, targets: Sequence[Target]) -> Sequence[Health]:
        return self.real().health(targets)


def _engine() -> Engine:
    """The engine client, imported with the first build (idle, serve needs none)."""
    from dockyard.engine import Engine

    return Engine()


def pipeline_context(state_dir: Path, *, deployer: LazyDeployer) -> PipelineContext:
    """What every run of a server with ``state_dir`` shares: the deploy core and one login
    lookup for the push, the digest checks and the engine's pulls."""
    work_dir = state_dir / "work"
    work_dir.mkdir(parents=True, exist_ok=True)
    return PipelineContext(
        engine=_engine, work_dir=work_dir, deployer=deployer, credentials=deployer.credentials
    )


class PipelineRunner:
    """The inbox's :class:`~dockyard.serve._inbox.Runner`, running the pipeline in the calling
    thread."""

    def __init__(self, context: PipelineContext) -> None:
        self.context = context

    def run_pipeline(
        self, app: App, *, commit: str, sink: StoreSink, previous: str | None
    ) -> Stage:
        return run_pipeline(app, commit=commit, sink=sink, context=self.context, previous=previous)

    def run_rollback(self, app: App, *, digest: str, sink: StoreSink) -> Stage:
        return run_rollback(app, digest=digest, sink=sink, context=self.context)

    def head(self, app: App) -> str:
        return branch_head(app)

    def image_digest(self, app: App) -> str:
        ref = parse_reference(deploy_reference(app)[1])
        with RegistryClient(credentials=self.context.credentials) as client:
            return client.head_manifest(ref).digest

    def changed_files(self, app: App, *, since: str, commit: str) -> list[str] | None:
        from dockyard.build import changed_files

        try:
            return changed_files(app.repo, since=since, commit=commit)
        except DockyardError as exc:
            log.warning("app %s: no list of changed files: %s", app.name, redact(str(exc)))
            return None


class JobKind(enum.Enum):
    PIPELINE = "pipeline"  # build ``commit``, gate, push, deploy, watch
    ROLLBACK = "rollback"  # deploy ``digest`` again


@dataclass(frozen=True)
class Job:
    """One run, as the child process receives it."""

    kind: JobKind
    app: App
    build_id: int
    commit: str | None
    previous: str | None  # PIPELINE: the digest to roll back to
    digest: str | None  # ROLLBACK: the digest to deploy
    database_url: str
    state_dir: Path
    parent_pid: int
    log_level: int


@dataclass(frozen=True)
class Outcome:
    """The child's one line: the run's final stage, and the last stage its sink wrote."""

    final: Stage
    last: Stage

    def dumps(self) -> str:
        return json.dumps({"final": self.final.value, "last": self.last.value})

    @classmethod
    def loads(cls, text: str) -> Outcome:
        data = json.loads(text)
        return cls(final=Stage(data["final"]), last=Stage(data["last"]))


def child_failure(returncode: int) -> str:
    """Why a run failed when its process gave no outcome (the build's one line)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the build's process was killed ({name})"
    return f"the build's process exited with status {returncode} before it finished"


class ProcessRunner(PipelineRunner):
    """Each pipeline run in a child process; the server keeps only its outcome."""

    def __init__(
        self,
        context: PipelineContext,
        *,
        database_url: str,
        state_dir: Path,
        environ: Mapping[str, str],
    ) -> None:
        super().__init__(context)
        self.database_url = database_url
        self.state_dir = state_dir
        self.environ = dict(environ)

    def run_pipeline(
        self, app: App, *, commit: str, sink: StoreSink, previous: str | None
    ) -> Stage:
        return self._run(JobKind.PIPELINE, app, sink, previous=previous, digest=None)

    def run_rollback(self, app: App, *, digest: str, sink: StoreSink) -> Stage:
        return self._run(JobKind.ROLLBACK, app, sink, previous=None, digest=digest)

    def _run(
        self,
        kind: JobKind,
        app: App,
        sink: StoreSink,
        *,
        previous: str | None,
        digest: str | None,
    ) -> Stage:
        job = Job(
            kind=kind,
            app=app,
            build_id=sink.build_id,
            commit=sink.commit,
            previous=previous,
            digest=digest,
            database_url=self.database_url,
            state_dir=self.state_dir,
            parent_pid=os.getpid(),
            log_level=logging.getLogger().getEffectiveLevel(),
        )
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "dockyard.serve._child"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=self.environ,
                start_new_session=True,
            )
        except OSError as exc:
            raise DockyardError(f"cannot start the build's process: {exc.strerror}") from None
        out, _ = child.communicate(pickle.dumps(job))
        lines = out.decode(errors="replace").strip().splitlines()
        if child.returncode != 0 or not lines:
            raise DockyardError(child_failure(child.returncode))
        outcome = Outcome.loads(lines[-1])
        sink.last = outcome.last  # the child's sink wrote the stages: do not write them again
        return outcome.final


def _die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when the server dies; exit now if it already has."""
    name = ctypes.util.find_library("c")
    if name is not None:
        libc = ctypes.CDLL(name, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)  # the server died before the line above: nothing to report to


def child_main() -> int:
    """The child's side of :class:`ProcessRunner` (``python -m dockyard.serve._child``)."""
    job: Job = pickle.load(sys.stdin.buffer)  # noqa: S301 (the server's own pipe)
    _die_with_parent(job.parent_pid)
    logging.basicConfig(
        level=job.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from dockyard.serve._store import Store

    store = Store.open(job.database_url)
    sink = StoreSink(store, build_id=job.build_id, app=job.app.name, commit=job.commit)
    try:
        credentials = CredentialStore.from_environment(environ=os.environ)
        deployer = LazyDeployer(job.state_dir / "deploy", credentials=credentials)
        context = pipeline_context(job.state_dir, deployer=deployer)
        if job.kind is JobKind.PIPELINE:
            assert job.commit is not None
            final = run_pipeline(
                job.app, commit=job.commit, sink=sink, context=context, previous=job.previous
            )
        else:
            assert job.digest is not None
            final = run_rollback(job.app, digest=job.digest, sink=sink, context=context)
    finally:
        sink.close()  # the log lines still waiting, even when the job raised
        store.close()
    sys.stdout.write(Outcome(final=final, last=sink.last).dumps() + "\n")
    sys.stdout.flush()
    return 0
