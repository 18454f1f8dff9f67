"""Replace one container, journaled step by step, with automatic rollback.

The old container is stopped and renamed to ``<name>-dockyard-old-<id8>``, never removed before
the new one is confirmed. Every step is written to the journal before and after it runs, so a
crash at any point is completed or rolled back by the next start (``_recover``).

Steps: ``stop``, ``rename``, ``create``, ``start``, ``confirm``, ``remove_old``, ``finished``;
on failure ``rollback`` then ``rolled_back``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockyard.engine import (
    ContainerInfo,
    Engine,
    create_container,
    find_container,
    remove_container,
    rename_container,
    start_container,
    stop_container,
)
from dockyard.errors import ContainerNotFound, DockyardError
from dockyard.update._confirm import confirm_container
from dockyard.update._journal import Journal

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


def temporary_name(name: str, container_id: str) -> str:
    return f"{name}-dockyard-old-{container_id[:8]}"


class Replacement:
    """One container's replacement: :meth:`prepare` stops it, :meth:`complete` swaps it in."""

    def __init__(
        self,
        *,
        engine: Engine,
        state_dir: Path,
        container: ContainerInfo,
        config: dict[str, Any],
        new_image_id: str,
        stop_signal: str | None,
        start: bool,
        settings: ReplaceSettings,
    ) -> None:
        self.engine = engine
        self.container = container
        self.settings = settings
        self.stop_signal = stop_signal
        self.plan: dict[str, Any] = {
            "name": container.name,
            "old_id": container.id,
            "old_image_id": container.image_id,
            "new_image_id": new_image_id,
            "temp_name": temporary_name(container.name, container.id),
            "start": start,
            "was_running": container.running,
            "config": config,
        }
        self.state_dir = state_dir
        self.journal: Journal | None = None
        self.new_id: str | None = None

    def prepare(self) -> Outcome | None:
        """Stop and rename the old container; an :class:`Outcome` only when that failed."""
        self.journal = Journal(state_dir=self.state_dir, plan=self.plan)
        name, temp = self.container.name, self.plan["temp_name"]
        log.info("%s: stopping, keeping it as %s until the new one is confirmed", name, temp)
        try:
            self._step(
                "stop",
                lambda: stop_container(
                    self.engine,
                    ref=self.container.id,
                    timeout=self._stop_timeout(),
                    signal=self.stop_signal,
                ),
            )
            self._step(
                "rename",
                lambda: rename_container(self.engine, ref=self.container.id, new_name=temp),
            )
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
            self.journal_or_fail().intent("create")
            self.new_id = create_container(self.engine, name=name, config=self.plan["config"])
            self.journal_or_fail().done("create", new_id=self.new_id)
            if self.plan["start"]:
                self._step("start", lambda: start_container(self.engine, ref=name))
        except DockyardError as exc:
            return self._roll_back(str(exc))
        return None

    def settle(self) -> Outcome:
        """Confirm the launched container, then drop the old one, or roll back."""
        if not self.plan["start"]:
            return self._finish()
        try:
            self.journal_or_fail().intent("confirm")
            reason = confirm_container(
                self.engine,
                ref=str(self.new_id),
                confirm_seconds=self.settings.confirm_seconds,
                health_timeout=self.settings.health_timeout,
            )
        except DockyardError as exc:
            reason = str(exc)
        if reason is not None:
            return self._roll_back(reason)
        self.journal_or_fail().done("confirm")
        log.info("%s: the new container is confirmed", self.container.name)
        return self._finish()

    def _finish(self) -> Outcome:
        journal = self.journal_or_fail()
        try:
            self._step("remove_old", lambda: remove_container(self.engine, ref=self.container.id))
        except DockyardError as exc:
            log.warning("%s: the old container could not be removed: %s", self.container.name, exc)
        journal.done("finished")
        journal.close(remove=True)
        return Outcome(ok=True, rolled_back=False, reason=None, new_id=self.new_id)

    def _roll_back(self, reason: str) -> Outcome:
        journal = self.journal_or_fail()
        log.warning("%s: rolling back: %s", self.container.name, reason)
        try:
            roll_back(self.engine, journal=journal, plan=self.plan, new_id=self.new_id)
        except DockyardError as exc:
            journal.close(remove=False)
            return Outcome(ok=False, rolled_back=False, reason=f"{reason}; rollback failed: {exc}")
        journal.done("rolled_back", reason=reason)
        journal.close(remove=True)
        return Outcome(ok=False, rolled_back=True, reason=reason)

    def journal_or_fail(self) -> Journal:
        if self.journal is None:
            raise RuntimeError("prepare() must run before complete()")
        return self.journal

    def _step(self, step: str, action: Any) -> None:
        journal = self.journal_or_fail()
        journal.intent(step)
        action()
        journal.done(step)

    def _stop_timeout(self) -> int:
        configured = self.container.stop_timeout
        return configured if configured is not None else self.settings.timeout


def roll_back(
    engine: Engine,
    *,
    journal: Journal,
    plan: dict[str, Any],
    new_id: str | None,
    creation_unknown: bool = False,
) -> None:
    """Remove the new container, give the old one its name back, start it if it ran before.

    ``creation_unknown``: a crash hit between the create request and its journal line, so a
    container holding the name that is not the old one is the half-made new one.
    """
    name, old_id = str(plan["name"]), str(plan["old_id"])
    journal.intent("rollback", new_id=new_id)
    if new_id is not None:
        remove_container(engine, ref=new_id)
    elif creation_unknown:
        holder = _holder_of(engine, name)
        if holder is not None and holder.id != old_id:
            remove_container(engine, ref=holder.id)
    old = find_container(engine, ref=old_id)
    if old.name != name:
        rename_container(engine, ref=old_id, new_name=name)
    if plan.get("was_running") and not old.running:
        start_container(engine, ref=old_id)


def _holder_of(engine: Engine, name: str) -> ContainerInfo | None:
    try:
        return find_container(engine, ref=name)
    except ContainerNotFound:
        return None
