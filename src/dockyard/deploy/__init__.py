"""One deploy core for every target (``dockyard deploy``, and ``serve``'s deploy step).

:class:`Target` names what to update (a container, the containers of a label or a compose
service, a Swarm service, a Kubernetes Deployment); :class:`Deployer` puts ``repo:tag`` at an
exact digest on them through the watch's own journaled, health-gated updaters, so deploying a
new digest and rolling back to an old one are one operation; :meth:`Deployer.health` samples
them for a watch window.
"""

from __future__ import annotations

from dockyard.deploy._command import run_deploy
from dockyard.deploy._deployer import (
    Deployer,
    DeployResult,
    DeploySettings,
    Health,
    PinnedSource,
    TargetResult,
    TargetStatus,
    judge_results,
)
from dockyard.deploy._targets import (
    COMPOSE_PROJECT_LABEL,
    COMPOSE_SERVICE_LABEL,
    Target,
    TargetKind,
    normalized_image,
    resolve_containers,
)

__all__ = [
    "COMPOSE_PROJECT_LABEL",
    "COMPOSE_SERVICE_LABEL",
    "DeployResult",
    "DeploySettings",
    "Deployer",
    "Health",
    "PinnedSource",
    "Target",
    "TargetKind",
    "TargetResult",
    "TargetStatus",
    "judge_results",
    "normalized_image",
    "resolve_containers",
    "run_deploy",
]
