"""The typed vocabulary of a replacement: its plan, its journaled steps, and what recovery did.

A :class:`ReplacementPlan` is decided before anything changes and written as the journal's first
line; every later line names a :class:`Step`. Recovery after a crash reads both back and decides,
with :func:`decide_recovery` (a pure function of what the journal says), what to do.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "RecoveryAction",
    "RecoveryDecision",
    "ReplacementPlan",
    "Step",
    "decide_recovery",
    "temporary_name",
]


class Step(enum.StrEnum):
    """The journal's step names, in the order a replacement takes them."""

    PLAN = "plan"
    STOP = "stop"
    RENAME = "rename"
    CREATE = "create"
    START = "start"
    HANDOFF = "handoff"  # a self-update's successor is running
    CONFIRM = "confirm"
    REMOVE_OLD = "remove_old"
    FINISHED = "finished"
    ROLLBACK = "rollback"
    ROLLED_BACK = "rolled_back"


FINAL_STEPS = (Step.FINISHED, Step.ROLLED_BACK)


class RecoveryAction(enum.StrEnum):
    """What recovery did with an interrupted replacement."""

    COMPLETED = "completed"  # the new container was confirmed: the old one is removed
    ROLLED_BACK = "rolled_back"  # the old container runs again under its name
    FAILED = "failed"  # neither could be done; the journal is kept for the next start
    TAKEN_OVER = "taken_over"  # this process is the successor of a self-update


class ReplacementPlan(BaseModel):
    """Everything a replacement needs to be carried out, completed or undone by another process."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    old_id: str
    old_image_id: str = ""
    new_image_id: str = ""
    temp_name: str
    start: bool = True
    was_running: bool = True
    config: dict[str, Any]  # the engine's create request for the new container
    self_update: bool = False

    def to_journal(self) -> dict[str, Any]:
        return self.model_dump()

    @classmethod
    def from_journal(cls, data: dict[str, Any]) -> ReplacementPlan:
        return cls.model_validate(data)


def temporary_name(name: str, container_id: str) -> str:
    """The name the old container keeps until the new one is confirmed."""
    return f"{name}-dockyard-old-{container_id[:8]}"


class RecoveryDecision(enum.Enum):
    TAKE_OVER = "take over"  # the successor of a self-update: complete it
    AWAIT_SUCCESSOR = "await successor"  # the old instance of a self-update: wait, then undo
    COMPLETE = "complete"
    ROLL_BACK = "roll back"


@dataclass(frozen=True)
class JournalFacts:
    """What recovery decides on, read from one interrupted journal."""

    self_update: bool
    old_id: str
    new_id: str | None  # the created container's id, when its creation was journaled
    confirmed: bool  # the confirm step completed
    handed_off: bool  # a self-update's successor was started


def decide_recovery(facts: JournalFacts, *, own_id: str | None) -> RecoveryDecision:
    """Complete a replacement whose new container was confirmed (or, for a self-update, one
    this process is the successor of); roll back any other. The old instance of a self-update
    first waits for its successor, which ends it by taking over; it undoes only when it lives."""
    if facts.self_update and own_id is not None:
        if facts.new_id is not None and facts.new_id == own_id:
            return RecoveryDecision.TAKE_OVER
        if facts.old_id == own_id:
            if facts.new_id is not None:
                return RecoveryDecision.AWAIT_SUCCESSOR
            return RecoveryDecision.ROLL_BACK
    if facts.confirmed or facts.handed_off:
        return RecoveryDecision.COMPLETE
    return RecoveryDecision.ROLL_BACK
