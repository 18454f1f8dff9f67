"""The kinds of workload dockyard follows, and the update strategies they can have."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["UpdateStrategy", "WorkloadKind"]


class WorkloadKind(StrEnum):
    """An apps/v1 workload; the value is its ``kind``."""

    DEPLOYMENT = "Deployment"
    STATEFULSET = "StatefulSet"
    DAEMONSET = "DaemonSet"

    @property
    def resource(self) -> str:
        """kubectl's singular name (``statefulset``), used in messages and in names given."""
        return self.value.lower()


class UpdateStrategy(StrEnum):
    """``spec.updateStrategy.type`` of a StatefulSet or DaemonSet (a Deployment's pods are
    always replaced by its controller: RollingUpdate or Recreate, both waited for alike)."""

    ROLLING_UPDATE = "RollingUpdate"
    ON_DELETE = "OnDelete"  # pods take the new template only when someone deletes them
