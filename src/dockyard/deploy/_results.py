"""What a deployment did, per target, and what a target looks like now: plain values (no engine,
no cluster), so the pipeline and the pages read them without loading the deployer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from dockyard.deploy._targets import Target

__all__ = [
    "DeployResult",
    "Health",
    "TargetResult",
    "TargetStatus",
    "has_interrupted_swaps",
    "judge_results",
]


class TargetStatus(StrEnum):
    UPDATED = "updated"  # now runs the digest
    FRESH = "fresh"  # ran it already
    ROLLED_BACK = "rolled_back"  # the digest failed its health gate: back on the old image
    FAILED = "failed"  # could not be updated (the reason says why); left as it was
    MISSING = "missing"  # the target names nothing that exists (or nothing opted in)


@dataclass(frozen=True)
class TargetResult:
    target: Target
    name: str  # the container, service or namespace/name the result is about
    status: TargetStatus
    old_image: str | None = None  # image id (containers) or digest (services, Deployments)
    new_image: str | None = None
    reason: str | None = None
    # The registry digest the target ran before, in the deployed repository (what a rollback
    # deploys); None when it ran something else or the engine knows no digest for its image.
    old_digest: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target.as_json(),
            "name": self.name,
            "status": self.status.value,
            "old_image": self.old_image,
            "new_image": self.new_image,
            "reason": self.reason,
            "old_digest": self.old_digest,
        }

    def line(self) -> str:
        text = f"{self.target.kind.value} {self.name}: {self.status.value.replace('_', ' ')}"
        return text + (f": {self.reason}" if self.reason else "")


@dataclass(frozen=True)
class DeployResult:
    image: str
    digest: str
    results: tuple[TargetResult, ...]

    @property
    def ok(self) -> bool:
        return judge_results(self.results)

    def as_json(self) -> dict[str, Any]:
        return {
            "image": self.image,
            "digest": self.digest,
            "ok": self.ok,
            "targets": [r.as_json() for r in self.results],
        }


def judge_results(results: Sequence[TargetResult]) -> bool:
    """A deployment succeeded when every target it names runs the digest now."""
    return bool(results) and all(
        r.status in (TargetStatus.UPDATED, TargetStatus.FRESH) for r in results
    )


@dataclass(frozen=True)
class Health:
    """What one deployed thing looks like now (the watch window's sample)."""

    target: Target
    name: str
    running: bool
    healthy: bool | None  # None: no healthcheck (or not known for the kind)
    restarts: int
    image: str  # image id (containers) or image reference (services, Deployments)

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target.as_json(),
            "name": self.name,
            "running": self.running,
            "healthy": self.healthy,
            "restarts": self.restarts,
            "image": self.image,
        }


def has_interrupted_swaps(state_dir: Path) -> bool:
    """Whether a swap's journal is left in ``state_dir`` (the watch's journal files,
    ``journal/*.jsonl``, removed when a swap finishes): only then does a start need the engine
    to replay it (:meth:`Deployer.recover`)."""
    directory = state_dir / "journal"
    return directory.is_dir() and any(directory.glob("*.jsonl"))
