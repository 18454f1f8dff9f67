"""What each page shows, as pure functions from the store's records to small view models.

Nothing here touches the network or the clock: ``now`` is passed in, so the pages' wording
(states, ages, size changes, which deployments can be restored) is tested as plain values.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dockyard.serve._health import AppHealth, HealthState
from dockyard.serve._pipeline import Stage
from dockyard.serve._store import Build, Deployment, DeploymentStatus
from dockyard.serve.dashboard._actions import CommitInfo

__all__ = [
    "AppRow",
    "BuildRow",
    "DeploymentRow",
    "GateState",
    "HealthView",
    "LayerRow",
    "LayersView",
    "Moment",
    "TargetView",
    "Tone",
    "app_row",
    "build_rows",
    "deployment_rows",
    "duration_text",
    "gate_state",
    "health_view",
    "layers_view",
    "moment",
    "relative_text",
    "short_digest",
    "size_change",
    "size_text",
    "stage_timings",
    "stage_tone",
    "target_label",
    "target_views",
]


class Tone(enum.Enum):
    """How a state is coloured; every state is also written out in words."""

    GOOD = "good"
    BAD = "bad"
    BUSY = "busy"
    QUIET = "quiet"


_STAGE_TONES = {
    Stage.QUEUED: Tone.QUIET,
    Stage.BUILDING: Tone.BUSY,
    Stage.GATING: Tone.BUSY,
    Stage.PUSHING: Tone.BUSY,
    Stage.DEPLOYING: Tone.BUSY,
    Stage.WATCHING: Tone.BUSY,
    Stage.LIVE: Tone.GOOD,
    Stage.ROLLED_BACK: Tone.BAD,
    Stage.FAILED: Tone.BAD,
    Stage.SKIPPED: Tone.QUIET,
}
_DEPLOYMENT_TONES = {
    DeploymentStatus.LIVE: Tone.GOOD,
    DeploymentStatus.SUPERSEDED: Tone.QUIET,
    DeploymentStatus.ROLLED_BACK: Tone.BAD,
    DeploymentStatus.FAILED: Tone.BAD,
}
_TARGET_TONES = {
    "updated": Tone.GOOD,
    "fresh": Tone.GOOD,
    "rolled_back": Tone.BAD,
    "failed": Tone.BAD,
    "missing": Tone.BAD,
}


def stage_tone(stage: Stage) -> Tone:
    return _STAGE_TONES[stage]


def words(value: str) -> str:
    return value.replace("_", " ")


@dataclass(frozen=True)
class Moment:
    """A time as the pages show it: relative text, and the exact time for ``<time>``."""

    iso: str  # datetime attribute
    exact: str  # title (hover)
    relative: str  # the text


def relative_text(seconds: float) -> str:
    """``seconds`` ago in words: "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago"."""
    if seconds < 0:
        return "in the future"
    if seconds < 5:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)} s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return "1 day ago" if days == 1 else f"{days} days ago"


def moment(at: float, *, now: float) -> Moment:
    stamp = dt.datetime.fromtimestamp(at, tz=dt.UTC)
    return Moment(
        iso=stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
        exact=stamp.strftime("%Y-%m-%d %H:%M:%S UTC"),
        relative=relative_text(now - at),
    )


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def stage_timings(durations: Mapping[str, float]) -> list[tuple[str, str]]:
    """(stage in words, its time) in the order the stages ran: "0.4 s" under 10 s."""
    return [
        (words(stage), f"{seconds:.1f} s" if seconds < 10 else duration_text(seconds))
        for stage, seconds in durations.items()
    ]


def size_text(size: int | None) -> str:
    """Decimal megabytes, as ``docker images`` and the size policy count them."""
    if size is None:
        return "-"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def size_change(size: int | None, previous: int | None) -> str | None:
    """The change from the previous build's size: "+1.2 MB", "-300 kB", "no change"; None when
    either is unknown."""
    if size is None or previous is None:
        return None
    delta = size - previous
    if delta == 0:
        return "no change"
    sign = "+" if delta > 0 else "-"
    return sign + size_text(abs(delta))


def short_digest(digest: str | None) -> str:
    if not digest:
        return "-"
    algorithm, _, hexpart = digest.partition(":")
    return f"{algorithm}:{hexpart[:12]}" if hexpart else digest[:19]


class GateState(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"  # the build has not reached its gate yet
    NOT_REACHED = "not reached"  # the build failed before its gate


def gate_state(build: Build) -> GateState:
    """The gate passed when something was pushed (the push follows the gate); it failed when
    the build failed with the gate's reason."""
    if build.digest is not None:
        return GateState.PASSED
    if build.status in (Stage.QUEUED, Stage.BUILDING, Stage.GATING):
        return GateState.PENDING
    if build.status is Stage.FAILED and (build.reason or "").startswith("gate:"):
        return GateState.FAILED
    return GateState.NOT_REACHED


_GATE_TONES = {
    GateState.PASSED: Tone.GOOD,
    GateState.FAILED: Tone.BAD,
    GateState.PENDING: Tone.QUIET,
    GateState.NOT_REACHED: Tone.QUIET,
}


def target_label(kind: str, value: str) -> str:
    """``swarm_service``, ``my_api`` -> ``swarm service my_api`` (the kind in words, the name
    as it is)."""
    return f"{words(kind)} {value}"


@dataclass(frozen=True)
class TargetView:
    label: str  # "container web"
    name: str  # what it resolved to
    status: str  # in words
    tone: Tone
    reason: str | None


def target_views(targets: Sequence[Mapping[str, object]]) -> list[TargetView]:
    """The deployment record's targets (the deploy core's results) as the pages show them."""
    views = []
    for entry in targets:
        target = entry.get("target")
        if isinstance(target, Mapping) and target:
            kind, value = next(iter(target.items()))
            label = target_label(str(kind), str(value))
        else:
            label = "target"
        status = str(entry.get("status", "unknown"))
        reason = entry.get("reason")
        views.append(
            TargetView(
                label=label,
                name=str(entry.get("name") or ""),
                status=words(status),
                tone=_TARGET_TONES.get(status, Tone.QUIET),
                reason=str(reason) if reason else None,
            )
        )
    return views


_HEALTH_TONES = {
    HealthState.HEALTHY: Tone.GOOD,
    HealthState.RUNNING: Tone.GOOD,
    HealthState.UNHEALTHY: Tone.BAD,
    HealthState.STOPPED: Tone.BAD,
    HealthState.MISSING: Tone.BAD,
}


@dataclass(frozen=True)
class HealthView:
    """The overview's live health of one app: a line per target, or why it is not known."""

    targets: list[TargetView]
    checked: Moment | None  # None: not sampled yet
    error: str | None


def health_view(health: AppHealth | None, *, now: float) -> HealthView:
    if health is None:
        return HealthView(targets=[], checked=None, error=None)
    views = []
    for target in health.targets:
        detail = []
        if target.total > 1:
            detail.append(f"{target.running}/{target.total} running")
        if target.restarts:
            detail.append(f"{target.restarts} restart{'s' if target.restarts != 1 else ''}")
        views.append(
            TargetView(
                label=target_label(target.target.kind.value, target.target.value),
                name=", ".join(target.names),
                status=target.state.value,
                tone=_HEALTH_TONES[target.state],
                reason=", ".join(detail) or None,
            )
        )
    return HealthView(targets=views, checked=moment(health.checked_at, now=now), error=health.error)


@dataclass(frozen=True)
class BuildRow:
    build: Build
    state: str
    tone: Tone
    created: Moment
    duration: str
    size: str
    change: str | None
    gate: GateState
    gate_tone: Tone
    findings: int
    commit: CommitInfo | None


def build_rows(
    builds: Sequence[Build], *, now: float, commits: Mapping[str, CommitInfo] | None = None
) -> list[BuildRow]:
    """Rows for ``builds`` (newest first, as the store lists them); each size is compared with
    the next older build that has a size."""
    rows = []
    commits = commits or {}
    for index, build in enumerate(builds):
        previous = next(
            (b.size_bytes for b in builds[index + 1 :] if b.size_bytes is not None), None
        )
        duration = (
            build.finished_at - build.started_at
            if build.started_at is not None and build.finished_at is not None
            else (now - build.started_at if build.started_at is not None else None)
        )
        gate = gate_state(build)
        rows.append(
            BuildRow(
                build=build,
                state=words(build.status.value),
                tone=stage_tone(build.status),
                created=moment(build.created_at, now=now),
                duration=duration_text(duration),
                size=size_text(build.size_bytes),
                change=size_change(build.size_bytes, previous),
                gate=gate,
                gate_tone=_GATE_TONES[gate],
                findings=len(build.findings),
                commit=commits.get(build.commit),
            )
        )
    return rows


@dataclass(frozen=True)
class DeploymentRow:
    deployment: Deployment
    state: str
    tone: Tone
    created: Moment
    digest: str
    targets: list[TargetView]
    commit: CommitInfo | None
    can_restore: bool  # an earlier successful deployment of another digest than the live one


def deployment_rows(
    deployments: Sequence[Deployment],
    *,
    now: float,
    commits: Mapping[str, CommitInfo] | None = None,
) -> list[DeploymentRow]:
    """Rows for ``deployments`` (newest first). A deployment can be restored when it was live
    once and replaced since (superseded), and its digest is not the one live now."""
    commits = commits or {}
    live = next((d for d in deployments if d.status is DeploymentStatus.LIVE), None)
    rows = []
    for deployment in deployments:
        restorable = deployment.status is DeploymentStatus.SUPERSEDED and (
            live is None or (deployment.id < live.id and deployment.digest != live.digest)
        )
        rows.append(
            DeploymentRow(
                deployment=deployment,
                state=words(deployment.status.value),
                tone=_DEPLOYMENT_TONES[deployment.status],
                created=moment(deployment.created_at, now=now),
                digest=short_digest(deployment.digest),
                targets=target_views(deployment.targets),
                commit=commits.get(deployment.commit or ""),
                can_restore=restorable,
            )
        )
    return rows


@dataclass(frozen=True)
class AppRow:
    """One app on the overview."""

    name: str
    branch: str
    image: str
    live: DeploymentRow | None
    last_build: BuildRow | None
    targets: list[TargetView] = field(default_factory=list)
    health: HealthView | None = None  # None: no deploy targets (nothing to sample)


def app_row(
    *,
    name: str,
    branch: str,
    image: str,
    deployments: Sequence[Deployment],
    builds: Sequence[Build],
    now: float,
    commits: Mapping[str, CommitInfo] | None = None,
    deploys: bool = False,
    health: AppHealth | None = None,
) -> AppRow:
    """The overview's row: the live deployment (if any), its targets, their live health, the
    last build."""
    live = next(
        (
            row
            for row in deployment_rows(deployments, now=now, commits=commits)
            if row.tone is Tone.GOOD
        ),
        None,
    )
    last = build_rows(builds[:2], now=now, commits=commits)[:1]
    return AppRow(
        name=name,
        branch=branch,
        image=image,
        live=live,
        last_build=last[0] if last else None,
        targets=live.targets if live else [],
        health=health_view(health, now=now) if deploys else None,
    )


@dataclass(frozen=True)
class LayerRow:
    number: int  # 1-based, as ``dockyard inspect`` lists them
    command: str  # one line, whitespace collapsed
    size: str
    size_bytes: int
    base: bool


@dataclass(frozen=True)
class LayersView:
    rows: list[LayerRow]  # the history entries that made a layer
    empty: int  # entries that made none (ENV, CMD, USER, ...)
    largest: int  # bytes of the largest layer (the bars' scale)
    size: str
    wasted: str
    efficiency: str
    base_image: str | None


def _command(created_by: str) -> str:
    text = " ".join(created_by.split())
    return text.removeprefix("/bin/sh -c #(nop) ").strip() or "(no command recorded)"


def _number(value: object, default: float = 0.0) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


def layers_view(summary: Mapping[str, object] | None) -> LayersView | None:
    """The build page's layer table, from what the pipeline kept (``dockyard.image``'s
    ``LayerSummary.as_json()``; None: not recorded). Read as plain data: the page does not load
    the image code (and the engine client it needs) to show a table."""
    if summary is None:
        return None
    entries = summary.get("layers")
    lines = [e for e in entries if isinstance(e, Mapping)] if isinstance(entries, list) else []
    made = [line for line in lines if not line.get("empty")]
    rows = [
        LayerRow(
            number=index + 1,
            command=_command(str(line.get("command", ""))),
            size=size_text(int(_number(line.get("size_bytes")))),
            size_bytes=int(_number(line.get("size_bytes"))),
            base=bool(line.get("base")),
        )
        for index, line in enumerate(made)
    ]
    base = summary.get("base_image")
    return LayersView(
        rows=rows,
        empty=len(lines) - len(made),
        largest=max((row.size_bytes for row in rows), default=0),
        size=size_text(int(_number(summary.get("size_bytes")))),
        wasted=size_text(int(_number(summary.get("wasted_bytes")))),
        efficiency=f"{_number(summary.get('efficiency'), 1.0):.1%}",
        base_image=str(base) if base else None,
    )
