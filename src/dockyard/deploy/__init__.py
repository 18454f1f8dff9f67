"""One deploy core for every target (``dockyard deploy``, and ``serve``'s deploy step).

:class:`Target` names what to update (a container, the containers of a label or a compose
service, a Swarm service, a Kubernetes Deployment); :class:`Deployer` puts ``repo:tag`` at an
exact digest on them through the watch's own journaled, health-gated updaters, so deploying a
new digest and rolling back to an old one are one operation; :meth:`Deployer.health` samples
them for a watch window.

The deployer (and with it the engine client and the watch) is imported on first use (PEP 562):
the targets and the result values are all that ``serve`` needs until its first deploy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard._lazy import lazy_attributes
from dockyard.deploy._results import (
    DeployResult,
    Health,
    TargetResult,
    TargetStatus,
    has_interrupted_swaps,
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

if TYPE_CHECKING:
    from dockyard.deploy._command import run_deploy
    from dockyard.deploy._deployer import Deployer, DeploySettings, PinnedSource

_HOME = {
    "run_deploy": "_command",
    "Deployer": "_deployer",
    "DeploySettings": "_deployer",
    "PinnedSource": "_deployer",
}

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
    "has_interrupted_swaps",
    "judge_results",
    "normalized_image",
    "resolve_containers",
    "run_deploy",
]

__getattr__ = lazy_attributes(__name__, _HOME)


def __dir__() -> list[str]:
    return sorted(__all__)
