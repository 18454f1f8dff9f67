"""Keep running containers on the newest image of their tag, safely (``dockyard watch``).

A cycle (:class:`Watcher`) selects containers, asks the registry once per unique reference,
pulls what changed and replaces each container with a journaled, confirmed, rolled-back-on-
failure swap; :func:`recover` replays what a crash interrupted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard._lazy import lazy_attributes
from dockyard.update._check import Backoff, CheckResult, DigestSource, RemoteDigest
from dockyard.update._confirm import Verdict, judge_new_container
from dockyard.update._cycle import ContainerAction, Watcher, WatchSettings, decide_container
from dockyard.update._handoff import TAKEOVER_SECONDS, hand_over, take_over
from dockyard.update._journal import default_state_dir
from dockyard.update._kubernetes import (
    ClusterDeployments,
    DeploymentDecision,
    DeploymentOps,
    DeploymentUpdater,
    KubernetesSettings,
    KubernetesWatcher,
    decide_deployment,
    decide_workload,
    judge_daemonset,
    judge_deployment,
    judge_statefulset,
    judge_workload,
    started_kubernetes_watcher,
    stuck_pods,
)
from dockyard.update._ops import ContainerOps, EngineContainers
from dockyard.update._plan import (
    JournalFacts,
    RecoveryAction,
    RecoveryDecision,
    ReplacementPlan,
    Step,
    decide_recovery,
)
from dockyard.update._recover import Recovered, recover
from dockyard.update._replace import Outcome, Replacement, ReplaceSettings, temporary_name
from dockyard.update._report import ContainerResult, CycleReport, Kind, Status
from dockyard.update._select import Selection
from dockyard.update._self import own_container_id
from dockyard.update._services import (
    EngineServices,
    Rollout,
    ServiceAction,
    ServiceDecision,
    ServiceOps,
    ServiceSettings,
    ServiceUpdater,
    decide_service,
    default_policy,
    followed_tag,
    judge_rollout,
)
from dockyard.update._start import lock_state_dir, started_watcher

if TYPE_CHECKING:
    from dockyard.update._loop import WatchLoop
    from dockyard.update._notify import Notifier
    from dockyard.update._schedule import Schedule
    from dockyard.update._source import RegistryDigestSource

# Imported on first use (PEP 562): these pull in heavier dependencies.
_LAZY = {
    "WatchLoop": "_loop",
    "Notifier": "_notify",
    "Schedule": "_schedule",
    "RegistryDigestSource": "_source",
}

__all__ = [
    "TAKEOVER_SECONDS",
    "Backoff",
    "CheckResult",
    "ClusterDeployments",
    "ContainerAction",
    "ContainerOps",
    "ContainerResult",
    "CycleReport",
    "DeploymentDecision",
    "DeploymentOps",
    "DeploymentUpdater",
    "DigestSource",
    "EngineContainers",
    "EngineServices",
    "JournalFacts",
    "Kind",
    "KubernetesSettings",
    "KubernetesWatcher",
    "Notifier",
    "Outcome",
    "Recovered",
    "RecoveryAction",
    "RecoveryDecision",
    "RegistryDigestSource",
    "RemoteDigest",
    "ReplaceSettings",
    "Replacement",
    "ReplacementPlan",
    "Rollout",
    "Schedule",
    "Selection",
    "ServiceAction",
    "ServiceDecision",
    "ServiceOps",
    "ServiceSettings",
    "ServiceUpdater",
    "Status",
    "Step",
    "Verdict",
    "WatchLoop",
    "WatchSettings",
    "Watcher",
    "decide_container",
    "decide_deployment",
    "decide_recovery",
    "decide_service",
    "decide_workload",
    "default_policy",
    "default_state_dir",
    "followed_tag",
    "hand_over",
    "judge_daemonset",
    "judge_deployment",
    "judge_new_container",
    "judge_rollout",
    "judge_statefulset",
    "judge_workload",
    "lock_state_dir",
    "own_container_id",
    "recover",
    "started_kubernetes_watcher",
    "started_watcher",
    "stuck_pods",
    "take_over",
    "temporary_name",
]


__getattr__ = lazy_attributes(__name__, _LAZY)
