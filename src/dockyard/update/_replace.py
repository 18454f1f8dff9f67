"""Replace one container, journaled step by step, with automatic rollback.

The old container is stopped and renamed to ``<name>-dockyard-old-<id8>``, never removed before
the new one is confirmed. Every step is written to the journal before and after it runs, so a
crash at any point is completed or rolled back by the next start (``_recover``).

Steps (:class:`Step`): ``stop``, ``rename``, ``create``, ``start``, ``confirm``, ``remove_old``,
``finished``; on failure ``rollback`` then ``rolled_back``. The engine is reached through
:class:`ContainerOps`, so the same code runs on a real engine and on an in-memory one in tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockyard.engine import ContainerInfo
from dockyard.errors import ContainerNotFound, DockyardError
from dockyard.update._confirm import confirm_container
from dockyard.update._journal import Journal
from dockyard.update._ops import ContainerOps
from dockyard.update._plan import ReplacementPlan, Step, temporary_name

__all__ = ["Outcome", "ReplaceSettings", "Replacement", "roll_back", "temporary_name"]

log = logging.getLogger("dockyard.watch")


@dataclass(frozen=True)
class ReplaceSettings:
    timeout: int = 10  # seconds to wait for a stop before SIGKILL
    confirm_seconds: float = 5.0
    health_timeout: float = 120.0


@dataclass(frozen=True)
class Outcome:
    ok: bool
    rolled_back: bool
    reason: str | None
    new_id: str | None = None


class Replacement:
    """One container's replacement: :meth:`prepare` stops it, :meth:`complete` swaps it in."""

    def __init__(
        self,
        *,
        containers: ContainerOps,
        state_dir: Path,
        container: ContainerInfo,
        config: dict[str, Any],
        new_image_id: str,
        stop_signal: str | None,
        start: bool,
        settings: ReplaceSettings,
    ) -> None:
        self.containers = containers
        self.container = container
        self.settings = settings
        self.stop_signal = stop_signal
        self.plan = ReplacementPlan(
            name=container.name,
            old_id=container.id,
            old_image_id=container.image_id,
            new_image_id=new_image_id,
            temp_name=temporary_name(container.name, container.id),
            start=start,
            was_running=container.running,
            config=config,
        )
        self.state_dir = state_dir
        self.journal: Journal | None = None
        self.new_id: str | None = None

    def prepare(self) -> Outcome | None:
        """Stop and rename the old container; an :class:`Outcome` only when that failed."""
        self.journal = Journal(state_dir=self.state_dir, plan=self.plan.to_journal())
        name, temp = self.container.name, self.plan.temp_name
        log.info("%s: stopping, keeping it as %s until the new one is confirmed", name, temp)
        try:
            self._step(
                Step.STOP,
                lambda: self.containers.stop(
                    self.container.id, timeout=self._stop_timeout(), signal=self.stop_signal
                ),
            )
            self._step(Step.RENAME, lambda: self.containers.rename(self.container.id, temp))
        except DockyardError as exc:
            log.warning("%s: could not stop and set aside the old container: %s", name, exc)
            return self._roll_back(f"preparing failed: {exc}")
        return None

    def complete(self) -> Outcome:
        """Create and start the new container, confirm it, then drop the old one or roll back."""
        return self.launch() or self.settle()

    def launch(self) -> Outcome | None:
        """Create and start the new container; an :class:`Outcome` only when that failed."""
        name = self.container.name
        try:
            self.journal_or_fail().intent(Step.CREATE)
            self.new_id = self.containers.create(name, self.plan.config)
            self.journal_or_fail().done(Step.CREATE, new_id=self.new_id)
            if self.plan.start:
                self._step(Step.START, lambda: self.containers.start(name))
        except DockyardError as exc:
            return self._roll_back(str(exc))
        return None

    def settle(self) -> Outcome:
        """Confirm the launched container, then drop the old one, or roll back."""
        if not self.plan.start:
            return self._finish()
        try:
            self.journal_or_fail().intent(Step.CONFIRM)
            reason = confirm_container(
                self.containers,
                ref=str(self.new_id),
                confirm_seconds=self.settings.confirm_seconds,
                health_timeout=self.settings.health_timeout,
            )
        except DockyardError as exc:
            reason = str(exc)
        if reason is not None:
            return self._roll_back(reason)
        self.journal_or_fail().done(Step.CONFIRM)
        log.info("%s: the new container is confirmed", self.container.name)
        return self._finish()

    def _finish(self) -> Outcome:
        journal = self.journal_or_fail()
        try:
            self._step(Step.REMOVE_OLD, lambda: self.containers.remove(self.container.id))
        except DockyardError as exc:
            log.warning("%s: the old container could not be removed: %s", self.container.name, exc)
        journal.done(Step.FINISHED)
        journal.close(remove=True)
        return Outcome(ok=True, rolled_back=False, reason=None, new_id=self.new_id)

    def _roll_back(self, reason: str) -> Outcome:
        journal = self.journal_or_fail()
        log.warning("%s: rolling back: %s", self.container.name, reason)
        try:
            roll_back(self.containers, journal=journal, plan=self.plan, new_id=self.new_id)
        except DockyardError as exc:
            journal.close(remove=False)
            return Outcome(ok=False, rolled_back=False, reason=f"{reason}; rollback failed: {exc}")
        journal.done(Step.ROLLED_BACK, reason=reason)
        journal.close(remove=True)
        return Outcome(ok=False, rolled_back=True, reason=reason)

    def journal_or_fail(self) -> Journal:
        if self.journal is None:
            raise RuntimeError(
                "the replacement's journal is opened by prepare(), which has not run"
            )
        return self.journal

    def _step(self, step: Step, action: Callable[[], None]) -> None:
        journal = self.journal_or_fail()
        journal.intent(step)
        action()
        journal.done(step)

    def _stop_timeout(self) -> int:
        configured = self.container.stop_timeout
        return configured if configured is not None else self.settings.timeout


def roll_back(
    containers: ContainerOps,
    *,
    journal: Journal,
    plan: ReplacementPlan,
    new_id: str | None,
    creation_unknown: bool = False,
) -> None:
    """Remove the new container, give the old one its name back, start it if it ran before.

    ``creation_unknown``: a crash hit between the create request and its journal line, so a
    container holding the name that is not the old one is the half-made new one.
    """
    journal.intent(Step.ROLLBACK, new_id=new_id)
    if new_id is not None:
        containers.remove(new_id)
    elif creation_unknown:
        holder = _holder_of(containers, plan.name)
        if holder is not None and holder.id != plan.old_id:
            containers.remove(holder.id)
    old = containers.find(plan.old_id)
    if old.name != plan.name:
        containers.rename(plan.old_id, plan.name)
    if plan.was_running and not old.running:
        containers.start(plan.old_id)


def _holder_of(containers: ContainerOps, name: str) -> ContainerInfo | None:
    try:
        return containers.find(name)
    except ContainerNotFound:
        return None
