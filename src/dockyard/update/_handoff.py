"""Self-update: dockyard cannot stop itself and then start its successor.

So, as watchtower does, it sets itself aside under the temporary name, creates and starts the
new container (same configuration, new image), journals the hand-over, and leaves: the new
instance, at start, finds the journal entry (the state directory must be a volume shared by both)
and stops and removes the old container.
"""

from __future__ import annotations

from dockyard.engine import create_container, remove_container, rename_container, start_container
from dockyard.errors import DockyardError
from dockyard.update._journal import Journal
from dockyard.update._replace import Replacement

__all__ = ["hand_over"]


def hand_over(replacement: Replacement) -> str | None:
    """None when the new dockyard container runs; else why not (and the old one is intact)."""
    plan = replacement.plan
    plan["self_update"] = True
    journal = Journal(state_dir=replacement.state_dir, plan=plan)
    engine, name = replacement.engine, str(plan["name"])
    new_id: str | None = None
    try:
        journal.intent("rename")
        rename_container(engine, ref=str(plan["old_id"]), new_name=str(plan["temp_name"]))
        journal.done("rename")
        journal.intent("create")
        new_id = create_container(engine, name=name, config=plan["config"])
        journal.done("create", new_id=new_id)
        journal.intent("start")
        start_container(engine, ref=new_id)
        journal.done("handoff", new_id=new_id)
    except DockyardError as exc:
        if new_id is not None:
            remove_container(engine, ref=new_id)
        rename_container(engine, ref=str(plan["old_id"]), new_name=name)
        journal.done("rolled_back", reason=str(exc))
        journal.close(remove=True)
        return f"self-update failed, kept the running one: {exc}"
    journal.close(remove=False)
    return None
