"""What a cycle did, per container: for people (log lines, notifications) and for scripts (JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dockyard.errors import RegistryError, UpdateError

__all__ = ["ContainerResult", "CycleReport", "Kind", "Status"]


class Status(StrEnum):
    UPDATED = "updated"
    ROLLED_BACK = "rolled_back"
    FRESH = "fresh"
    SKIPPED = "skipped"
    FAILED = "failed"


class Kind(StrEnum):
    CONTAINER = "container"
    SERVICE = "service"  # a Swarm service: the image fields hold digests
    DEPLOYMENT = "deployment"  # a Kubernetes Deployment (namespace/name): digests too
    STATEFULSET = "statefulset"  # a Kubernetes StatefulSet (namespace/name)
    DAEMONSET = "daemonset"  # a Kubernetes DaemonSet (namespace/name)


@dataclass(frozen=True)
class ContainerResult:
    """What a cycle did with one container, or one Swarm service (``kind``)."""

    name: str
    image: str
    old_image_id: str
    new_image_id: str | None
    status: Status
    reason: str | None = None
    check_failed: bool = False  # failed before anything was touched (registry, pull)
    kind: Kind = Kind.CONTAINER

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "image": self.image,
            "old_image_id": self.old_image_id,
            "new_image_id": self.new_image_id,
            "status": str(self.status),
            "reason": self.reason,
        }

    def line(self) -> str:
        name = self.name if self.kind is Kind.CONTAINER else f"{self.kind.value} {self.name}"
        text = f"{name} ({self.image}): {self.status.value.replace('_', ' ')}"
        if self.status in (Status.UPDATED, Status.ROLLED_BACK) and self.new_image_id:
            text += f" {_short(self.old_image_id)} -> {_short(self.new_image_id)}"
        return text + (f": {self.reason}" if self.reason else "")


def _short(image_id: str) -> str:
    return image_id.removeprefix("sha256:")[:12]


@dataclass
class CycleReport:
    results: list[ContainerResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration: float = 0.0
    swarm_manager: bool = False  # services were looked at: the JSON lists them too
    kubernetes: bool = False  # watch --kubernetes: the JSON lists deployments, statefulsets, ...

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "containers": [r.as_json() for r in self.results if r.kind is Kind.CONTAINER]
        }
        if self.swarm_manager:
            document["services"] = [r.as_json() for r in self.results if r.kind is Kind.SERVICE]
        if self.kubernetes:
            for kind in (Kind.DEPLOYMENT, Kind.STATEFULSET, Kind.DAEMONSET):
                document[f"{kind.value}s"] = [r.as_json() for r in self.results if r.kind is kind]
        return json.dumps(document, indent=2)

    def summary(self) -> str:
        parts = [f"{len(self.results)} checked"] + [
            f"{self.count(s)} {s.value.replace('_', ' ')}" for s in Status if self.count(s)
        ]
        return f"cycle done in {self.duration:.2f}s: " + ", ".join(parts)

    @property
    def changed(self) -> bool:
        """True when something a person should hear about happened."""
        return any(r.status is not Status.FRESH for r in self.results) or bool(self.notes)

    def text(self) -> str:
        lines = [self.summary()]
        lines += [r.line() for r in self.results if r.status is not Status.FRESH]
        lines += self.notes
        return "\n".join(lines)

    @property
    def exit_code(self) -> int:
        """0 all good; 11 an update or rollback failed; 5 only checks failed (nothing touched)."""
        failed = [r for r in self.results if r.status is Status.FAILED]
        if any(not r.check_failed for r in failed):
            return UpdateError.exit_code
        return RegistryError.exit_code if failed else 0
