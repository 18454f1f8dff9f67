"""One watch cycle: select, check, pull, replace in dependency order, report.

The order of a cycle: pre-check hooks; one HEAD per unique reference; pull what changed (once per
reference); pre-update hooks (75 skips); the containers that depend on a replaced one are
recreated too; replacements run in dependency order, one at a time with ``rolling_restart``, or
all stopped first (dependents before their dependencies) and then all started (dependencies
first); dockyard's own container goes last, by hand-over; cleanup; post-check hooks.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dockyard.engine import (
    ContainerInfo,
    Engine,
    container_create_config,
    image_info,
    is_swarm_manager,
    list_containers,
    pull_image,
    remove_image_if_unused,
)
from dockyard.errors import DockyardError
from dockyard.update._check import Backoff, CheckResult, DigestSource, check_references
from dockyard.update._handoff import hand_over
from dockyard.update._hooks import SKIP_UPDATE, run_hook
from dockyard.update._labels import label_bool, label_value
from dockyard.update._ops import EngineContainers
from dockyard.update._order import dependency_levels, dependents_of, in_dependency_order
from dockyard.update._replace import Outcome, Replacement, ReplaceSettings
from dockyard.update._report import ContainerResult, CycleReport, Status
from dockyard.update._select import Selection, select_containers
from dockyard.update._services import EngineServices, ServiceSettings, ServiceUpdater

__all__ = ["ContainerAction", "WatchSettings", "Watcher", "decide_container"]

log = logging.getLogger("dockyard.watch")
TEMP_MARK = "-dockyard-old-"
SWARM_SERVICE_LABEL = "com.docker.swarm.service.name"  # on the containers of a service's tasks
_ROLE_TTL = 60.0  # seconds between checks of whether the engine is a swarm manager
_PARALLEL = 4
_T = TypeVar("_T")
_R = TypeVar("_R")
AuthLookup = Callable[[str], Mapping[str, str] | None]


@dataclass(frozen=True)
class WatchSettings:
    state_dir: Path
    selection: Selection = field(default_factory=Selection)
    monitor_only: bool = False
    no_pull: bool = False
    cleanup: bool = False
    rolling_restart: bool = False
    replace: ReplaceSettings = field(default_factory=ReplaceSettings)
    workers: int = 8
    own_id: str | None = None
    services: ServiceSettings = field(default_factory=ServiceSettings)
    # A swarm manager's services are followed in the same cycle (``deploy`` updates its own).
    follow_services: bool = True
    # Pull the digest the registry answered, not the tag (``deploy`` pins an exact digest).
    pull_by_digest: bool = False


@dataclass
class _Candidate:
    container: ContainerInfo
    new_image_id: str
    reason: str | None = None  # why it is replaced when it is a dependent


class ContainerAction(enum.Enum):
    FRESH = "fresh"  # the registry's digest is one the running image has
    SKIP = "skip"  # monitor-only: a newer image exists and is left alone
    CHECK_FAILED = "check_failed"  # the registry did not answer: nothing touched
    PULL = "pull"  # pull the tag; a different image id means the container is stale


_ACTION_STATUS = {
    ContainerAction.FRESH: Status.FRESH,
    ContainerAction.SKIP: Status.SKIPPED,
    ContainerAction.CHECK_FAILED: Status.FAILED,
}


def decide_container(
    *, check: CheckResult, known_digests: set[str], monitor_only: bool
) -> tuple[ContainerAction, str | None]:
    """What a container's registry check means, before anything is pulled: a pure function of
    the check, the digests its running image is known by, and its monitor-only setting."""
    if check.digest is None:
        return ContainerAction.CHECK_FAILED, f"check failed: {check.error}"
    if check.digest in known_digests:
        return ContainerAction.FRESH, None
    if monitor_only:
        return ContainerAction.SKIP, f"monitor only: {check.digest} is available"
    return ContainerAction.PULL, None


class Watcher:
    """Runs cycles against one engine; keeps the registry backoff between cycles."""

    def __init__(
        self,
        *,
        engine: Engine,
        source: DigestSource,
        settings: WatchSettings,
        auth_for: AuthLookup | None = None,
    ) -> None:
        self.engine = engine
        self.source = source
        self.settings = settings
        self.auth_for = auth_for or (lambda _ref: None)
        self.backoff = Backoff()
        self.pending_handover: Replacement | None = None
        self._failed_handovers: dict[str, str] = {}  # new image id -> why
        self.services = ServiceUpdater(
            ops=EngineServices(engine),
            source=source,
            backoff=self.backoff,
            selection=settings.selection,
            monitor_only=settings.monitor_only,
            auth_for=self.auth_for,
            settings=settings.services,
            workers=settings.workers,
        )
        self._manager: tuple[float, bool] | None = None  # (checked at, is a swarm manager)

    def is_manager(self) -> bool:
        """Whether the engine manages a swarm (asked at most once a minute)."""
        now = time.monotonic()
        if self._manager is None or now - self._manager[0] > _ROLE_TTL:
            self._manager = (now, is_swarm_manager(self.engine))
        return self._manager[1]

    def run_cycle(self, *, images: Sequence[str] = ()) -> CycleReport:
        started = time.monotonic()
        report = CycleReport()
        self._digest_cache: dict[str, set[str]] = {}
        everything = list_containers(self.engine, detailed=False)
        selected = self._select(everything, images)
        manager = report.swarm_manager = self.is_manager()
        selected = self._without_tasks(selected, report, manager=manager)
        for container in selected:
            if container.running:
                run_hook(self.engine, container=container, hook="pre-check")
        stale = self._find_stale(selected, report)
        if stale:  # replacing needs every container's full configuration and links
            everything = list_containers(self.engine)
            by_id = {c.id: c for c in everything}
            selected = [by_id[c.id] for c in selected if c.id in by_id]
            stale = [
                _Candidate(container=by_id[c.container.id], new_image_id=c.new_image_id)
                for c in stale
                if c.container.id in by_id
            ]
            self._replace_all(stale, everything, selected, report)
        for container in selected:
            if container.running:
                run_hook(self.engine, container=container, hook="post-check")
        if manager and self.settings.follow_services:
            report.results += self.services.run(images=images)
        report.results.sort(key=lambda r: (r.kind, r.name))
        report.duration = time.monotonic() - started
        return report

    # -- selection and checking -------------------------------------------------------------

    def _select(
        self, everything: list[ContainerInfo], images: Sequence[str]
    ) -> list[ContainerInfo]:
        chosen = select_containers(
            (c for c in everything if TEMP_MARK not in c.name),
            selection=self.settings.selection,
        )
        if images:
            chosen = [c for c in chosen if _image_matches(c.image_ref, images)]
        return chosen

    def _without_tasks(
        self, selected: list[ContainerInfo], report: CycleReport, *, manager: bool
    ) -> list[ContainerInfo]:
        """A Swarm task's container belongs to its service: never replaced one by one. On a
        manager the service is followed instead; elsewhere the container is reported skipped."""
        kept = []
        for container in selected:
            service = container.labels.get(SWARM_SERVICE_LABEL)
            if service is None:
                kept.append(container)
            elif not manager:
                reason = f"a task of Swarm service {service}: watch on a manager updates it"
                report.results.append(_result(container, Status.SKIPPED, reason))
        return kept

    def _find_stale(self, selected: list[ContainerInfo], report: CycleReport) -> list[_Candidate]:
        to_check: list[ContainerInfo] = []
        stale: list[_Candidate] = []
        for container in selected:
            why_not = _not_checkable(container.image_ref)
            if why_not:
                report.results.append(_result(container, Status.SKIPPED, why_not))
            elif self.settings.no_pull or label_bool(container.labels, "no-pull"):
                self._check_local(container, report, stale)
            else:
                to_check.append(container)
        checks = check_references(
            (c.image_ref for c in to_check),
            source=self.source,
            backoff=self.backoff,
            workers=self.settings.workers,
        )
        pulled: dict[str, str | Exception] = {}
        for container in to_check:
            self._judge(container, checks[container.image_ref], pulled, report, stale)
        return stale

    def _check_local(
        self, container: ContainerInfo, report: CycleReport, stale: list[_Candidate]
    ) -> None:
        """no-pull: replace only when the local tag already points to another image."""
        local = image_info(self.engine, ref=container.image_ref)
        if local is None or local.id == container.image_id:
            report.results.append(_result(container, Status.FRESH, "no-pull: local image same"))
        elif self._monitor_only(container):
            report.results.append(
                _result(
                    container, Status.SKIPPED, "monitor only: a newer local image exists", local.id
                )
            )
        else:
            stale.append(_Candidate(container=container, new_image_id=local.id))

    def _judge(
        self,
        container: ContainerInfo,
        check: CheckResult,
        pulled: dict[str, str | Exception],
        report: CycleReport,
        stale: list[_Candidate],
    ) -> None:
        known = self._known_digests(container.image_id) if check.digest is not None else set()
        action, reason = decide_container(
            check=check, known_digests=known, monitor_only=self._monitor_only(container)
        )
        if action is not ContainerAction.PULL:
            status = _ACTION_STATUS[action]
            failed = action is ContainerAction.CHECK_FAILED
            report.results.append(_result(container, status, reason, check=failed))
            return
        digest = check.digest if self.settings.pull_by_digest else None
        new_id = self._pull_once(container.image_ref, pulled, digest=digest)
        if isinstance(new_id, Exception):
            report.results.append(
                _result(container, Status.FAILED, f"pull failed: {new_id}", check=True)
            )
        elif new_id == container.image_id:
            report.results.append(_result(container, Status.FRESH))
        else:
            stale.append(_Candidate(container=container, new_image_id=new_id))

    def _known_digests(self, image_id: str) -> set[str]:
        """Digests the registry may answer for this image (cached: many containers share one)."""
        if image_id not in self._digest_cache:
            current = image_info(self.engine, ref=image_id)
            digests = current.repo_digests if current else ()
            self._digest_cache[image_id] = {d.rpartition("@")[2] for d in digests}
        return self._digest_cache[image_id]

    def _pull_once(
        self, ref: str, pulled: dict[str, str | Exception], *, digest: str | None = None
    ) -> str | Exception:
        if ref not in pulled:
            log.info("%s: pulling", ref)
            try:
                auth = self.auth_for(ref)
                pulled[ref] = pull_image(self.engine, ref=ref, auth=auth, digest=digest).id
            except DockyardError as exc:
                pulled[ref] = exc
        return pulled[ref]

    def _monitor_only(self, container: ContainerInfo) -> bool:
        label = label_bool(container.labels, "monitor-only")
        return label if label is not None else self.settings.monitor_only

    # -- replacing --------------------------------------------------------------------------

    def _replace_all(
        self,
        stale: list[_Candidate],
        everything: list[ContainerInfo],
        selected: list[ContainerInfo],
        report: CycleReport,
    ) -> None:
        stale = self._run_pre_update_hooks(stale, everything, report)
        own = [c for c in stale if c.container.id == self.settings.own_id]
        stale = [c for c in stale if c.container.id != self.settings.own_id]
        candidates = {c.container.name: c for c in stale}
        fresh = {r.name for r in report.results if r.status is Status.FRESH}
        running = [c for c in selected if c.running]
        for name in dependents_of(candidates, all_containers=running):
            if name in fresh:  # not monitor-only, skipped or failed: safe to recreate
                dependent = next(c for c in running if c.name == name)
                candidates[name] = _Candidate(
                    container=dependent,
                    new_image_id=dependent.image_id,
                    reason="recreated because a container it depends on was replaced",
                )
        report.results[:] = [r for r in report.results if r.name not in candidates]
        order = in_dependency_order(candidates, all_containers=everything)
        names_by_id = {c.id: c.name for c in everything}
        replacements = {n: self._replacement(candidates[n], names_by_id) for n in order}
        outcomes: dict[str, Outcome] = {}
        if self.settings.rolling_restart:
            for name in order:
                outcomes[name] = replacements[name].prepare() or replacements[name].complete()
        else:
            levels = dependency_levels(order, all_containers=everything)
            for level in reversed(levels):  # dependents stop before their dependencies
                for name, failure in _side_by_side(lambda n: replacements[n].prepare(), level):
                    if failure is not None:
                        outcomes[name] = failure
            for level in levels:
                self._launch_level([replacements[n] for n in level if n not in outcomes], outcomes)
        for name in order:
            self._record(candidates[name], outcomes[name], report)
        for candidate in own:
            self._plan_handover(candidate, names_by_id, report)

    def _launch_level(self, level: list[Replacement], outcomes: dict[str, Outcome]) -> None:
        """Start every container of one dependency level, then confirm them side by side, so
        a level costs one confirmation period, not one per container."""
        launched = []
        for replacement, failure in _side_by_side(lambda r: r.launch(), level):
            if failure is None:
                launched.append(replacement)
            else:
                outcomes[replacement.container.name] = failure
        for replacement, outcome in _side_by_side(lambda r: r.settle(), launched, bound=32):
            outcomes[replacement.container.name] = outcome

    def _run_pre_update_hooks(
        self, stale: list[_Candidate], everything: list[ContainerInfo], report: CycleReport
    ) -> list[_Candidate]:
        kept = []
        for candidate in stale:
            container = candidate.container
            result = (
                run_hook(self.engine, container=container, hook="pre-update")
                if (container.running)
                else None
            )
            if result is None or result.exit_code == 0:
                kept.append(candidate)
            elif result.exit_code == SKIP_UPDATE:
                report.results.append(
                    _result(
                        container,
                        Status.SKIPPED,
                        "the pre-update hook asked to skip (exit 75)",
                        candidate.new_image_id,
                    )
                )
            else:
                report.results.append(
                    _result(
                        container,
                        Status.FAILED,
                        f"the pre-update hook failed (exit {result.exit_code}); nothing changed",
                        candidate.new_image_id,
                    )
                )
        return kept

    def _replacement(self, candidate: _Candidate, names_by_id: Mapping[str, str]) -> Replacement:
        container = candidate.container
        old_image = image_info(self.engine, ref=container.image_id)
        config = container_create_config(
            container=container,
            image_config=old_image.config if old_image else None,
            image_ref=container.image_ref,
            names_by_id=names_by_id,
        )
        start = container.running or self.settings.selection.revive_stopped
        return Replacement(
            containers=EngineContainers(self.engine),
            state_dir=self.settings.state_dir,
            container=container,
            config=config,
            new_image_id=candidate.new_image_id,
            stop_signal=label_value(container.labels, "stop-signal"),
            start=start,
            settings=self.settings.replace,
        )

    def _record(self, candidate: _Candidate, outcome: Outcome, report: CycleReport) -> None:
        container = candidate.container
        if outcome.ok:
            status, reason = Status.UPDATED, candidate.reason
            if outcome.new_id:
                post = run_hook(
                    self.engine, container=container, hook="post-update", ref=outcome.new_id
                )
                if post is not None and post.exit_code != 0:
                    reason = f"post-update hook exited {post.exit_code}"
            self._clean_up(container, candidate.new_image_id)
        elif outcome.rolled_back:
            status, reason = Status.ROLLED_BACK, outcome.reason
        else:
            status, reason = Status.FAILED, outcome.reason
        report.results.append(_result(container, status, reason, candidate.new_image_id))

    def _clean_up(self, container: ContainerInfo, new_image_id: str) -> None:
        if not self.settings.cleanup or container.image_id == new_image_id:
            return
        if remove_image_if_unused(self.engine, image_id=container.image_id):
            log.info("%s: removed the replaced image %s", container.name, container.image_id[:19])

    def _plan_handover(
        self, candidate: _Candidate, names_by_id: Mapping[str, str], report: CycleReport
    ) -> None:
        """dockyard's own container is replaced last, after the cycle's report went out:
        :meth:`finish_handover` starts the successor, which ends this process."""
        failed = self._failed_handovers.get(candidate.new_image_id)
        if failed is not None:
            reason = f"{failed} (not retried for this image until dockyard restarts)"
            report.results.append(
                _result(candidate.container, Status.FAILED, reason, candidate.new_image_id)
            )
            return
        self.pending_handover = self._replacement(candidate, names_by_id)
        report.results.append(
            _result(
                candidate.container,
                Status.UPDATED,
                "handing over to a new dockyard container, which removes this one",
                candidate.new_image_id,
            )
        )

    def finish_handover(self) -> str | None:
        """Run a planned self-update. Returns only if it failed (why), or if none was planned
        (None): on success the successor ends this process."""
        replacement, self.pending_handover = self.pending_handover, None
        if replacement is None:
            return None
        reason = hand_over(replacement)
        self._failed_handovers[replacement.plan.new_image_id] = reason
        return reason


def _side_by_side(
    action: Callable[[_T], _R], items: Sequence[_T], *, bound: int = _PARALLEL
) -> list[tuple[_T, _R]]:
    """``action`` on every item at once (bounded): containers of one level are independent.
    Confirmations mostly wait, so they take a larger bound than engine-heavy steps."""
    if len(items) <= 1:
        return [(item, action(item)) for item in items]
    with ThreadPoolExecutor(max_workers=min(bound, len(items))) as pool:
        return list(zip(items, pool.map(action, items), strict=True))


def _not_checkable(ref: str) -> str | None:
    if "@" in ref:
        return "pinned by digest: never updated (pin a tag to follow it)"
    if not ref or ref.startswith("sha256:"):
        return "created from an image id, not a tag: nothing to follow"
    return None


def _image_matches(ref: str, images: Sequence[str]) -> bool:
    untagged = ref.rsplit(":", 1)[0] if ref.rfind(":") > ref.rfind("/") else ref
    return any(image in (ref, untagged) for image in images)


def _result(
    container: ContainerInfo,
    status: Status,
    reason: str | None = None,
    new_image_id: str | None = None,
    *,
    check: bool = False,
) -> ContainerResult:
    return ContainerResult(
        name=container.name,
        image=container.image_ref,
        old_image_id=container.image_id,
        new_image_id=new_image_id,
        status=status,
        reason=reason,
        check_failed=check,
    )
