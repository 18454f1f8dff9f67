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

from pydantic import ValidationError

from dockyard.engine import Engine
from dockyard.errors import ContainerNotFound, DockyardError
from dockyard.update._handoff import TAKEOVER_SECONDS, await_takeover
from dockyard.update._journal import Journal, JournalEntry, open_journals
from dockyard.update._ops import ContainerOps, EngineContainers
from dockyard.update._plan import (
    JournalFacts,
    RecoveryAction,
    RecoveryDecision,
    ReplacementPlan,
    Step,
    decide_recovery,
)
from dockyard.update._replace import roll_back

__all__ = ["Recovered", "recover"]

log = logging.getLogger("dockyard.watch")


@dataclass(frozen=True)
class Recovered:
    name: str
    action: RecoveryAction
    step: str  # the step the crash interrupted
    reason: str | None = None


def recover(
    engine: Engine | ContainerOps,
    *,
    state_dir: Path,
    own_id: str | None = None,
    takeover_seconds: float = TAKEOVER_SECONDS,
) -> list[Recovered]:
    """Complete or roll back every unfinished replacement in ``state_dir``'s journal."""
    containers = EngineContainers(engine) if isinstance(engine, Engine) else engine
    return [
        _replay(containers, entry, own_id=own_id, takeover_seconds=takeover_seconds)
        for entry in open_journals(state_dir)
    ]


def facts_of(entry: JournalEntry) -> JournalFacts:
    created = entry.done(Step.CREATE)
    return JournalFacts(
        self_update=bool(entry.plan.get("self_update")),
        old_id=str(entry.plan.get("old_id", "")),
        new_id=str(created["new_id"]) if created and created.get("new_id") else None,
        confirmed=entry.done(Step.CONFIRM) is not None,
        handed_off=entry.done(Step.HANDOFF) is not None,
    )


def _replay(
    containers: ContainerOps, entry: JournalEntry, *, own_id: str | None, takeover_seconds: float
) -> Recovered:
    name, step = str(entry.plan.get("name")), entry.last_step
    journal = Journal.resume(entry)
    facts = facts_of(entry)
    decision = decide_recovery(facts, own_id=own_id)
    reason = f"interrupted at {step}"
    try:
        plan = ReplacementPlan.from_journal(entry.plan)
        if decision is RecoveryDecision.AWAIT_SUCCESSOR and facts.new_id is not None:
            # The successor removes this container (and this process) when it takes over.
            reason = await_takeover(containers, new_id=facts.new_id, seconds=takeover_seconds)
        if decision is RecoveryDecision.TAKE_OVER:  # not an interruption: the hand-over's end
            _complete(containers, plan, facts.new_id)
            journal.done(Step.FINISHED)
            action = RecoveryAction.TAKEN_OVER
        elif decision is RecoveryDecision.COMPLETE:
            _complete(containers, plan, facts.new_id)
            journal.done(Step.FINISHED, recovered=True)
            action = RecoveryAction.COMPLETED
        else:
            roll_back(
                containers,
                journal=journal,
                plan=plan,
                new_id=facts.new_id,
                creation_unknown=entry.intended(Step.CREATE),
            )
            journal.done(Step.ROLLED_BACK, reason=reason, recovered=True)
            action = RecoveryAction.ROLLED_BACK
    except (DockyardError, ValidationError) as exc:
        journal.close(remove=False)
        problem = str(exc).splitlines()[0]
        log.error("%s: could not recover the update interrupted at %s: %s", name, step, problem)
        return Recovered(name=name, action=RecoveryAction.FAILED, step=step, reason=problem)
    journal.close(remove=True)
    if action is RecoveryAction.TAKEN_OVER:
        log.info("%s: self-update completed", name)
    else:
        log.warning("%s: update interrupted at %s was %s", name, step, action.replace("_", " "))
    return Recovered(name=name, action=action, step=step)


def _complete(containers: ContainerOps, plan: ReplacementPlan, new_id: str | None) -> None:
    containers.remove(plan.old_id)
    if new_id is None or not plan.start:
        return
    try:
        new = containers.find(new_id)
    except ContainerNotFound:
        return
    if not new.running:
        containers.start(new_id)
