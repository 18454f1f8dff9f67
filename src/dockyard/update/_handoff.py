"""Self-update: dockyard cannot stop itself and then start its successor.

So, as watchtower does, it sets itself aside under the temporary name, creates and starts the
new container (same configuration, new image) and journals the hand-over. The successor, at
its start, finds the journal entry naming it (the state directory must be a volume shared by
both), removes the old container (which ends the old process) and completes the entry.

The old instance waits for that. If the successor stops, disappears or does not take over
within :data:`TAKEOVER_SECONDS`, the old instance removes it, takes its name back and runs on:
a self-update is confirmed like any other update, by the new container doing its job.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from dockyard.engine import Engine
from dockyard.errors import ContainerNotFound, DockyardError
from dockyard.update._journal import Journal, JournalEntry, open_journals
from dockyard.update._ops import ContainerOps, EngineContainers
from dockyard.update._plan import Step
from dockyard.update._replace import Replacement, roll_back

__all__ = ["TAKEOVER_SECONDS", "await_takeover", "hand_over", "successor_of", "take_over"]

log = logging.getLogger("dockyard.watch")

TAKEOVER_SECONDS = 60.0
_POLL = 0.2


def hand_over(replacement: Replacement, *, takeover_seconds: float = TAKEOVER_SECONDS) -> str:
    """Start the successor and wait to be removed by it.

    Returns only when the hand-over failed: the reason, with this container back under its
    name. On success the successor removes this container, and this process with it.
    """
    plan = replacement.plan.model_copy(update={"self_update": True})
    journal = Journal(state_dir=replacement.state_dir, plan=plan.to_journal())
    containers, name = replacement.containers, plan.name
    new_id: str | None = None
    try:
        journal.intent(Step.RENAME)
        containers.rename(plan.old_id, plan.temp_name)
        journal.done(Step.RENAME)
        journal.intent(Step.CREATE)
        new_id = containers.create(name, plan.config)
        journal.done(Step.CREATE, new_id=new_id)
        journal.intent(Step.START)
        containers.start(new_id)
        journal.done(Step.HANDOFF, new_id=new_id)
        log.warning("%s: started the new dockyard container %s", name, new_id[:12])
        reason = await_takeover(containers, new_id=new_id, seconds=takeover_seconds)
    except DockyardError as exc:
        reason = str(exc)
    log.error("%s: self-update failed: %s; rolling back", name, reason)
    try:
        roll_back(containers, journal=journal, plan=plan, new_id=new_id, creation_unknown=True)
    except DockyardError as exc:
        journal.close(remove=False)
        return f"self-update failed: {reason}; rollback failed too: {exc}"
    journal.done(Step.ROLLED_BACK, reason=reason)
    journal.close(remove=True)
    return f"self-update failed, kept the running dockyard: {reason}"


def await_takeover(containers: ContainerOps, *, new_id: str, seconds: float) -> str:
    """Wait for the successor to remove this container; why it did not, when it did not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            new = containers.find(new_id)
        except ContainerNotFound:
            return "the new dockyard container disappeared"
        if new.status != "running":
            return f"the new dockyard container is {new.status} (exit code {new.exit_code})"
        time.sleep(_POLL)
    return (
        f"the new dockyard container did not take over within {seconds:g}s; its state "
        "directory (--state-dir) must be a volume shared with this one"
    )


def successor_of(entry: JournalEntry, own_id: str | None) -> bool:
    """Is this process's container the new one of ``entry``'s self-update?"""
    created = entry.done(Step.CREATE)
    return bool(
        own_id and entry.plan.get("self_update") and created and created.get("new_id") == own_id
    )


def take_over(engine: Engine | ContainerOps, *, state_dir: Path, own_id: str | None) -> list[str]:
    """As the successor of a self-update, remove the old dockyard container (ending its
    process, which frees the state directory's lock). The names of those taken over."""
    containers = EngineContainers(engine) if isinstance(engine, Engine) else engine
    taken: list[str] = []
    for entry in open_journals(state_dir):
        if successor_of(entry, own_id):
            containers.remove(str(entry.plan.get("old_id")))
            taken.append(str(entry.plan.get("name")))
    return taken
