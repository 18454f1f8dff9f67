"""What the dashboard asks of the rest of ``dockyard serve``: actions, and commit details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dockyard.serve._health import AppHealth

__all__ = ["CommitInfo", "CommitLookup", "DashboardActions", "HealthLookup"]


class DashboardActions(Protocol):
    """The two things a ``deploy`` session may ask for. Each returns a short message for the
    page, or raises a :class:`dockyard.errors.DockyardError` whose one line is shown instead."""

    def deploy_now(self, app: str) -> str: ...

    def rollback(self, app: str, deployment_id: int | None) -> str: ...


@dataclass(frozen=True)
class CommitInfo:
    """What a forge said about a commit. Every field is attacker-controlled text."""

    sha: str
    message: str
    author: str
    branch: str | None = None

    @property
    def subject(self) -> str:
        """The message's first line."""
        return self.message.strip().splitlines()[0] if self.message.strip() else ""


class CommitLookup(Protocol):
    """Commit details by sha, for the pages; None when unknown (the sha alone is shown)."""

    def commit(self, app: str, sha: str) -> CommitInfo | None: ...


class HealthLookup(Protocol):
    """Live health of each app's targets (``dockyard serve``'s :class:`HealthMonitor`)."""

    def want(self) -> None:
        """A page or its live stream is open: keep the samples fresh."""

    def latest(self, app: str) -> AppHealth | None: ...

    def version(self) -> int:
        """Moves whenever some app's health would look different."""
