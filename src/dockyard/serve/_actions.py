""" "Deploy now" and "roll back", as the API and the dashboard ask for them: a delivery of the
right kind put in the inbox, so a click and a POST take the same path (stored first, one job
per app, coalesced, crash-safe) as a webhook."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence

from dockyard.errors import UsageError
from dockyard.serve._inbox import Accept, AcceptOutcome, Inbox
from dockyard.serve._store import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Deployment,
    DeploymentStatus,
    Store,
)
from dockyard.serve.dashboard import CommitInfo

__all__ = [
    "ServeActions",
    "StoreCommits",
    "build_delivery",
    "choose_rollback",
    "rollback_delivery",
]


def build_delivery(app: str, *, now: float) -> Delivery:
    """Build the branch head now (the head ``git ls-remote`` reports when the job runs)."""
    return Delivery(
        id=f"api:{uuid.uuid4()}",
        app=app,
        provider="api",
        kind=DeliveryKind.BUILD,
        received_at=now,
        commit=None,
        status=DeliveryStatus.QUEUED,
        reason=None,
    )


def rollback_delivery(app: str, deployment: Deployment, *, now: float) -> Delivery:
    return Delivery(
        id=f"rollback:{uuid.uuid4()}",
        app=app,
        provider="api",
        kind=DeliveryKind.ROLLBACK,
        received_at=now,
        commit=deployment.commit,
        digest=deployment.digest,
        status=DeliveryStatus.QUEUED,
        reason=f"back to deployment {deployment.id}",
    )


def choose_rollback(deployments: Sequence[Deployment], requested: int | None) -> Deployment | str:
    """The deployment a rollback restores (newest first in ``deployments``), or why none.

    By default the newest one that was live before the current one, with another digest; a
    requested one must have been live (live or superseded) and belong to the app.
    """
    live = next((d for d in deployments if d.status is DeploymentStatus.LIVE), None)
    if requested is not None:
        chosen = next((d for d in deployments if d.id == requested), None)
        if chosen is None:
            return f"no deployment {requested} of this app"
        if chosen.status not in (DeploymentStatus.LIVE, DeploymentStatus.SUPERSEDED):
            return f"deployment {requested} never went live ({chosen.status.value})"
        return chosen
    for deployment in deployments:
        if deployment.status is not DeploymentStatus.SUPERSEDED:
            continue
        if live is None or deployment.digest != live.digest:
            return deployment
    return "no earlier successful deployment to go back to"


class ServeActions:
    """The dashboard's :class:`~dockyard.serve.dashboard.DashboardActions` over the inbox."""

    def __init__(self, *, store: Store, inbox: Inbox, clock: Callable[[], float] = time.time):
        self.store = store
        self.inbox = inbox
        self.clock = clock

    def deploy_now(self, app: str) -> str:
        accepted = self.inbox.accept(build_delivery(app, now=self.clock()))
        return _said(accepted, f"a build of {app}'s branch head is queued")

    def rollback(self, app: str, deployment_id: int | None) -> str:
        chosen = choose_rollback(self.store.deployments(app, limit=500), deployment_id)
        if isinstance(chosen, str):
            raise UsageError(chosen)
        accepted = self.inbox.accept(rollback_delivery(app, chosen, now=self.clock()))
        return _said(accepted, f"rolling back to deployment {chosen.id} ({chosen.digest[:19]})")


def _said(accepted: Accept, queued: str) -> str:
    if accepted.outcome is AcceptOutcome.FULL:
        raise UsageError("the queue is full: try again in a minute")
    if accepted.outcome is AcceptOutcome.DUPLICATE:
        return "already asked for"
    return queued


class StoreCommits:
    """The dashboard's :class:`~dockyard.serve.dashboard.CommitLookup` over the store: what git
    said of each commit an app built (subject and author; text anyone who can push wrote)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def commit(self, app: str, sha: str) -> CommitInfo | None:
        facts = self.store.commit_facts(app, sha)
        if facts is None:
            return None
        subject, author = facts
        return CommitInfo(sha=sha, message=subject, author=author)
