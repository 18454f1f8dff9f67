"""Replay interrupted replacements at start: complete them or roll them back.

The rule is simple so it holds after a crash at any step: a replacement whose new container was
confirmed is completed (the old container is removed, the new one started); any other is
rolled back (the new container, if any, is removed, the old one gets its name back and runs
again if it ran before). A self-update hand-off is completed by the new instance; an old
instance that restarts in the middle of its own hand-off waits for the successor to take over,
and rolls back when it does not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from dockyard.engine import Engine, find_container, remove_container, start_container
from dockyard.errors import ContainerNotFound, DockyardError
from dockyard.update._handoff import TAKEOVER_SECONDS, await_takeover, successor_of
from dockyard.update._journal import Journal, JournalEntry, open_journals
from dockyard.update._replace import roll_back

__all__ = ["Recovered", "recover"]

log = logging.getLogger("dockyard.watch")


@dataclass(frozen=True)
class Recovered:
    name: str
    action: str  # "completed", "rolled_back", "failed"; "taken_over" ends a self-update
    step: str  # the step the crash interrupted
    reason: str | None = None


def recover(engine: Engine, *, state_dir: Path, own_id: str | None = None) -> list[Recovered]:
    """Complete or roll back every unfinished replacement in ``state_dir``'s journal."""
    results = []
    for entry in open_journals(state_dir):
        own_handoff = entry.plan.get("self_update") and entry.plan.get("old_id") == own_id
        results.append(_replay(engine, entry, own_id=own_id, own_handoff=bool(own_handoff)))
    return results


def _replay(
    engine: Engine, entry: JournalEntry, *, own_id: str | None, own_handoff: bool
) -> Recovered:
    name, step = str(entry.plan.get("name")), entry.last_step
    journal = Journal.resume(entry)
    created = entry.done("create")
    new_id = str(created["new_id"]) if created else None
    reason = f"interrupted at {step}"
    try:
        if own_handoff and new_id is not None:
            # The successor removes this container (and this process) when it takes over.
            reason = await_takeover(engine, new_id=new_id, seconds=TAKEOVER_SECONDS)
        if successor_of(entry, own_id):  # not an interruption: the hand-over's last step
            _complete(engine, entry, new_id)
            journal.done("finished")
            action = "taken_over"
        elif not own_handoff and (entry.done("confirm") or entry.done("handoff")):
            _complete(engine, entry, new_id)
            journal.done("finished", recovered=True)
            action = "completed"
        else:
            roll_back(
                engine,
                journal=journal,
                plan=entry.plan,
                new_id=new_id,
                creation_unknown=entry.intended("create"),
            )
            journal.done("rolled_back", reason=reason, recovered=True)
            action = "rolled_back"
    except DockyardError as exc:
        journal.close(remove=False)
        log.error("%s: could not recover the update interrupted at %s: %s", name, step, exc)
        return Recovered(name=name, action="failed", step=step, reason=str(exc))
    journal.close(remove=True)
    if action == "taken_over":
        log.info("%s: self-update completed", name)
    else:
        log.warning("%s: update interrupted at %s was %s", name, step, action.replace("_", " "))
    return Recovered(name=name, action=action, step=step)


def _complete(engine: Engine, entry: JournalEntry, new_id: str | None) -> None:
    remove_container(engine, ref=str(entry.plan["old_id"]))
    if new_id is None or not entry.plan.get("start"):
        return
    try:
        new = find_container(engine, ref=new_id)
    except ContainerNotFound:
        return
    if not new.running:
        start_container(engine, ref=new_id)
