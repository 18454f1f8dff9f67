"""The pipeline of one app for one commit: build, gate, push, deploy, watch; and a rollback.

Each step is reported to a :class:`Sink` as a :class:`Stage` before it runs, and every failure
ends in ``FAILED`` with one line saying why; nothing is left half-done: the registry's push
access is checked before the build, the gate runs before anything is pushed, a deploy is only
attempted with the digest the registry serves, and a deploy the watch window rejects is put back
on the digest the targets ran before.

The decisions are pure functions (:func:`dockyard.serve._gate.judge` for the gate,
:func:`judge_window` for the watch window, :func:`previous_digest`); this module gathers their
facts and carries out their verdicts.
"""

from __future__ import annotations

import enum
import logging
import posixpath
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from dockyard.build import BuildOptions, BuildOutcome, sanitize_tag
from dockyard.deploy import DeployResult, Target, TargetResult, TargetStatus
from dockyard.errors import BuildError, DockyardError, UsageError
from dockyard.registry import CredentialStore
from dockyard.secrets import redact
from dockyard.serve._config import App
from dockyard.serve._gate import judge
from dockyard.serve._pipeline_builder import Builder, EngineBuilder, ImageFacts
from dockyard.serve._pipeline_window import (
    HealthLike,
    WindowDecision,
    WindowSample,
    WindowVerdict,
    judge_window,
)

if TYPE_CHECKING:
    from dockyard.dockerfile import Finding
    from dockyard.engine import Engine

__all__ = [
    "Builder",
    "DeployCore",
    "EngineBuilder",
    "HealthLike",
    "ImageFacts",
    "PipelineContext",
    "Sink",
    "Stage",
    "WindowDecision",
    "WindowSample",
    "WindowVerdict",
    "deploy_reference",
    "judge_window",
    "previous_digest",
    "run_pipeline",
    "run_rollback",
]

log = logging.getLogger("dockyard.serve.pipeline")


class Stage(enum.Enum):
    QUEUED = "queued"
    BUILDING = "building"
    GATING = "gating"
    PUSHING = "pushing"
    DEPLOYING = "deploying"
    WATCHING = "watching"
    LIVE = "live"
    ROLLED_BACK = "rolled_back"
    FAILED = "failed"
    SKIPPED = "skipped"


class Sink(Protocol):
    """Where a run reports: its stages, its log lines, what it built and what it deployed."""

    def stage(self, stage: Stage, *, reason: str | None = None) -> None: ...

    def log(self, line: str) -> None: ...

    def built(
        self,
        *,
        digest: str,
        size_bytes: int,
        findings: list[dict[str, object]],
        subject: str = "",
        author: str = "",
        layers: Mapping[str, object] | None = None,
    ) -> None: ...

    def deployed(
        self, *, digest: str, targets: list[dict[str, object]], status: str, reason: str | None
    ) -> None: ...

    def rollback_target(self, digest: str) -> None:
        """The digest a failing watch window goes back to, told before the window opens."""
        ...


class DeployCore(Protocol):
    """What the pipeline asks of :class:`dockyard.deploy.Deployer`."""

    def deploy(self, targets: Sequence[Target], *, image: str, digest: str) -> DeployResult: ...

    def health(self, targets: Sequence[Target]) -> Sequence[HealthLike]: ...


@dataclass(frozen=True)
class PipelineContext:
    """What every run shares.

    ``engine`` is called once per run, when the engine is first needed, and what it returns is
    closed when the run ends. ``work_dir`` is the service's scratch directory for runs (the
    pipeline keeps nothing there yet: clones go to temporary directories removed at once).
    ``credentials`` are the registry logins (``dockyard build --push``'s lookup: the docker
    config and the ``REPO_USER``/``REPO_PASS`` variables) when None. ``watch_interval_s``,
    ``clock`` and ``sleep`` pace the watch window. ``builder`` makes the run's :class:`Builder`
    (the engine, registry and git): :class:`EngineBuilder` on ``engine`` and ``credentials``
    when None.
    """

    engine: Callable[[], Engine]
    work_dir: Path
    deployer: DeployCore | None
    credentials: CredentialStore | None = None
    network_mode: str | None = None
    watch_interval_s: float = 2.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    builder: Callable[[PipelineContext], Builder] | None = None

    def make_builder(self) -> Builder:
        if self.builder is not None:
            return self.builder(self)
        return EngineBuilder(engine=self.engine, credentials=self.credentials)


class _Failed(Exception):
    """Ends a run in ``FAILED`` with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def deploy_reference(app: App) -> tuple[str, str]:
    """(the repository built, the ``repo:tag`` the targets follow). The targets follow the tag
    ``image`` names, or the branch's tag (``main``) when it names none."""
    if "@" in app.image:
        raise UsageError(f"app {app.name}: image {app.image!r} names a digest; give repo[:tag]")
    if _has_tag(app.image):
        repository, _, tag = app.image.rpartition(":")
    else:
        repository, tag = app.image, sanitize_tag(app.branch)
    return repository, f"{repository}:{tag}"


def _has_tag(image: str) -> bool:
    return ":" in image.rsplit("/", 1)[-1]


def previous_digest(
    results: Sequence[TargetResult], *, repository: str, digests_of: Mapping[str, Sequence[str]]
) -> str | None:
    """The registry digest the targets ran before a deploy, from the deploy's results.

    A result's ``old_image`` is an image id for containers (looked up in ``digests_of``: the
    engine's ``RepoDigests`` of each old image) and a digest or ``repo@digest`` otherwise. The
    first one in ``repository`` wins; None when no target ran an image of it before.
    """
    for result in results:
        old = result.old_image
        if not old or result.status is TargetStatus.FRESH:
            continue
        candidates = [*digests_of.get(old, ()), old]
        for candidate in candidates:
            name, at, digest = candidate.partition("@")
            if at and name == repository and digest.startswith("sha256:"):
                return digest
        if old.startswith("sha256:") and old not in digests_of:
            return old  # a service or Deployment: its old image is the digest itself
    return None


def run_pipeline(
    app: App,
    *,
    commit: str,
    sink: Sink,
    context: PipelineContext,
    previous: str | None = None,
) -> Stage:
    """Build ``commit`` of ``app`` and take it live; the final stage (``LIVE``,
    ``ROLLED_BACK`` or ``FAILED``). ``previous`` is the digest to roll back to when the watch
    window fails; by default what the targets ran before the deploy."""
    with _Run(app, sink=sink, context=context) as run:
        return run.finish(lambda: run.pipeline(commit, previous=previous))


def run_rollback(app: App, *, digest: str, sink: Sink, context: PipelineContext) -> Stage:
    """Deploy an earlier ``digest`` of ``app`` to its targets: ``LIVE`` or ``FAILED``."""
    with _Run(app, sink=sink, context=context) as run:
        return run.finish(lambda: run.rollback(digest))


class _Run:
    """One run's executor: owns its engine connection and registry client."""

    def __init__(self, app: App, *, sink: Sink, context: PipelineContext) -> None:
        self.app = app
        self.sink = sink
        self.context = context
        self.builder = context.make_builder()

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.builder.close()

    def finish(self, body: Callable[[], Stage]) -> Stage:
        """Run ``body``; any failure becomes ``FAILED`` with its one line, never an exception."""
        try:
            return body()
        except _Failed as exc:
            reason = exc.reason
        except BuildError as exc:
            for line in exc.log_tail:
                self.sink.log(redact(f"  | {line}"))
            reason = str(exc)
        except DockyardError as exc:
            reason = str(exc)
        except Exception as exc:  # a bug must not take the service down: record it, go on
            log.exception("app %s: the pipeline failed unexpectedly", self.app.name)
            reason = f"unexpected error: {type(exc).__name__}: {exc}"
        self.sink.stage(Stage.FAILED, reason=redact(reason))
        return Stage.FAILED

    def say(self, line: str) -> None:
        self.sink.log(redact(line))

    # -- the steps ----------------------------------------------------------------------------

    def pipeline(self, commit: str, *, previous: str | None) -> Stage:
        repository, deploy_image = deploy_reference(self.app)
        self.sink.stage(Stage.BUILDING)
        self.say(f"checking push access to {repository}")
        self.builder.check_push_access(repository)
        outcome = self._build(commit, repository=repository, deploy_image=deploy_image)
        self.sink.stage(Stage.GATING)
        findings = self._gate(outcome)
        layers = self._layers(outcome)
        self.sink.stage(Stage.PUSHING)
        digest, size = self.builder.push(repository=repository, tags=outcome.tags, say=self.say)
        self.sink.built(
            digest=digest,
            size_bytes=size,
            findings=findings,
            subject=outcome.subject,
            author=outcome.author,
            layers=layers,
        )
        targets = self._targets()
        if not targets:
            self.sink.stage(Stage.LIVE, reason="no deploy targets: built and pushed only")
            return Stage.LIVE
        deployer = self._deployer()
        self.sink.stage(Stage.DEPLOYING)
        result = deployer.deploy(targets, image=deploy_image, digest=digest)
        final = self._report_deploy(result, digest=digest)
        if final is not None:
            return final
        before = previous or previous_digest(
            result.results,
            repository=repository,
            digests_of=self._repo_digests(result, repository=repository),
        )
        deployed = [r.as_json() for r in result.results]
        try:
            return self._watch(
                targets, digest=digest, previous=before, image=deploy_image, deployed=deployed
            )
        except DockyardError as exc:  # the window could not be watched (or undone) to its end
            self.sink.deployed(digest=digest, targets=deployed, status="failed", reason=str(exc))
            raise

    def rollback(self, digest: str) -> Stage:
        _repository, deploy_image = deploy_reference(self.app)
        targets = self._targets()
        if not targets:
            raise _Failed(f"app {self.app.name} has no deploy targets to roll back")
        deployer = self._deployer()
        self.sink.stage(Stage.DEPLOYING)
        result = deployer.deploy(targets, image=deploy_image, digest=digest)
        final = self._report_deploy(result, digest=digest)
        if final is not None:
            return final
        targets_json = [r.as_json() for r in result.results]
        self.sink.deployed(digest=digest, targets=targets_json, status="live", reason=None)
        self.sink.stage(Stage.LIVE)
        return Stage.LIVE

    # -- BUILDING -----------------------------------------------------------------------------

    def _build(self, commit: str, *, repository: str, deploy_image: str) -> BuildOutcome:
        extra = dict.fromkeys([sanitize_tag(self.app.branch), deploy_image.rsplit(":", 1)[1]])
        # Read now, from their file or variable (a ConfigError line when one is missing), and
        # handed to BuildKit as secret mounts only: never build args, labels or log lines.
        secrets = {secret.id: secret.read() for secret in self.app.secrets}
        options = BuildOptions(
            source=self.app.repo,
            image=repository,
            ref=commit,
            file=self._dockerfile_path(),
            context=self.app.context,
            tags=tuple(extra),
            build_args=dict(self.app.build_args),
            push=False,
            network_mode=self.context.network_mode,
            secrets=secrets,
        )
        self.say(f"building {self.app.repo} at {commit[:12]}")
        return self.builder.build(options, say=self.say)

    def _dockerfile_path(self) -> str:
        """``dockerfile`` is relative to ``context`` (as in a compose file's ``build``)."""
        return posixpath.normpath(posixpath.join(self.app.context, self.app.dockerfile))

    # -- GATING -------------------------------------------------------------------------------

    def _gate(self, outcome: BuildOutcome) -> list[dict[str, object]]:
        from dockyard.dockerfile import lint_text

        path = self._dockerfile_path()
        text = outcome.dockerfile
        if text is None:  # an unchanged build was found, not made: read the file at the commit
            text = self.builder.dockerfile_at(self.app.repo, revision=outcome.revision, path=path)
        findings = lint_text(text, path=path).findings
        image: ImageFacts = self.builder.image_facts(_built_reference(outcome))
        verdict = judge(self.app.policy, findings, image.user, image.size_bytes)
        for finding in findings:
            self.say(_finding_line(finding))
        if not verdict.passed:
            raise _Failed(f"gate: {verdict.reason}; nothing was pushed")
        self.say(f"gate passed ({len(findings)} lint finding(s), user {image.user or 'root'!r})")
        return [_finding_json(f) for f in findings]

    def _layers(self, outcome: BuildOutcome) -> dict[str, object] | None:
        """The image's layers as ``dockyard inspect`` counts them, for the build page; a
        failure to read them is a log line, never a failed build."""
        try:
            summary = self.builder.image_layers(_built_reference(outcome))
        except (DockyardError, OSError) as exc:
            self.say(f"layers not read: {exc}")
            return None
        self.say(
            f"{sum(1 for line in summary.layers if not line.empty)} layers, "
            f"{summary.wasted_bytes} bytes wasted (efficiency {summary.efficiency:.1%})"
        )
        return summary.as_json()

    # -- DEPLOYING, WATCHING ------------------------------------------------------------------

    def _targets(self) -> list[Target]:
        return [Target.parse(entry) for entry in self.app.deploy]

    def _deployer(self) -> DeployCore:
        if self.context.deployer is None:
            raise _Failed(f"app {self.app.name} has deploy targets but no deployer is set up")
        return self.context.deployer

    def _report_deploy(self, result: DeployResult, *, digest: str) -> Stage | None:
        """A deploy that did not put every target on the digest: recorded, and its final stage;
        None when it did (its record waits for the watch window's verdict)."""
        targets = [r.as_json() for r in result.results]
        if result.ok:
            return None
        failed = [r for r in result.results if r.status not in _DONE]
        reason = "; ".join(r.line() for r in failed) or "the deploy named no target"
        rolled = bool(failed) and all(r.status is TargetStatus.ROLLED_BACK for r in failed)
        status = "rolled_back" if rolled else "failed"
        self.sink.deployed(digest=digest, targets=targets, status=status, reason=reason)
        stage = Stage.ROLLED_BACK if rolled else Stage.FAILED
        self.sink.stage(stage, reason=f"deploy: {reason}")
        return stage

    def _repo_digests(self, result: DeployResult, *, repository: str) -> dict[str, list[str]]:
        """The registry digests the engine knows for each old image id of the deploy."""
        known: dict[str, list[str]] = {}
        for item in result.results:
            old = item.old_image
            if old and old.startswith("sha256:") and item.target.kind.on_engine:
                known[old] = self.builder.repo_digests(old, repository=repository)
        return known

    def _watch(
        self,
        targets: list[Target],
        *,
        digest: str,
        previous: str | None,
        image: str,
        deployed: list[dict[str, object]],
    ) -> Stage:
        deployer = self._deployer()
        window_s = self.app.watch_window.total_seconds()
        if previous is not None and previous != digest:
            self.sink.rollback_target(previous)  # kept: a resumed window can still go back
        self.sink.stage(Stage.WATCHING)
        self.say(f"watching {len(targets)} target(s) for {window_s:g} s")
        opened = self.context.clock()
        started = list(deployer.health(targets))
        samples: list[WindowSample] = []
        verdict = judge_window(samples, started, window_s=window_s)
        while verdict.decision is WindowDecision.WATCHING:
            elapsed = self.context.clock() - opened
            self.context.sleep(max(0.0, min(self.context.watch_interval_s, window_s - elapsed)))
            health = list(deployer.health(targets))
            samples.append(WindowSample(self.context.clock() - opened, health))
            verdict = judge_window(samples, started, window_s=window_s)
        if verdict.decision is WindowDecision.LIVE:
            self.sink.deployed(digest=digest, targets=deployed, status="live", reason=None)
            self.sink.stage(Stage.LIVE)
            return Stage.LIVE
        final, reason = self._roll_back(
            targets, digest=digest, previous=previous, reason=verdict.reason or "", image=image
        )
        status = "rolled_back" if final is Stage.ROLLED_BACK else "failed"
        self.sink.deployed(digest=digest, targets=deployed, status=status, reason=reason)
        self.sink.stage(final, reason=reason)
        return final

    def _roll_back(
        self, targets: list[Target], *, digest: str, previous: str | None, reason: str, image: str
    ) -> tuple[Stage, str]:
        """Put the targets back on ``previous``: the final stage and its reason."""
        if previous is None or previous == digest:
            return Stage.FAILED, f"{reason}; no previous digest to roll back to"
        self.say(f"{reason}: rolling back to {previous}")
        result = self._deployer().deploy(targets, image=image, digest=previous)
        if not result.ok:
            why = "; ".join(r.line() for r in result.results if r.status not in _DONE)
            return Stage.FAILED, f"{reason}; the rollback to {previous} failed too: {why}"
        # A container that had stopped is put back on the old image but left stopped (as
        # `watch` leaves stopped containers): say so rather than call it restored.
        down = [h.name for h in self._deployer().health(targets) if not h.running]
        note = f" ({', '.join(down)} not running: start it by hand)" if down else ""
        return Stage.ROLLED_BACK, f"{reason}; rolled back to {previous}{note}"


_DONE = (TargetStatus.UPDATED, TargetStatus.FRESH)


def _built_reference(outcome: BuildOutcome) -> str:
    return outcome.image_id or f"{outcome.image}:{outcome.tags[0]}"


def _finding_line(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}"
    return f"lint {where} {finding.code} {finding.severity.label}: {finding.message}"


def _finding_json(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "code": finding.code,
        "severity": finding.severity.label,
        "message": finding.message,
    }
