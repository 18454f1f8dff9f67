"""What a fixer reports: the fixes it made and the ones it would not make."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from dockyard.dockerfile.fix._view import Doc

__all__ = ["Edit", "Fix", "Fixer", "Outcome", "Unfixed"]


@dataclass(frozen=True)
class Edit:
    """Replace source lines ``start``..``end`` (1-based, inclusive) with ``lines``.

    An insertion before line ``start`` has ``end == start - 1``.
    """

    start: int
    end: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Fix:
    """A change made, located at the line of the original instruction, with the rule it answers."""

    code: str
    line: int
    message: str


@dataclass(frozen=True)
class Unfixed:
    """A problem a fixer found but would not change, with the reason, so the user can decide."""

    code: str
    line: int
    reason: str


@dataclass
class Outcome:
    """Each fix with the edits that make it (kept together: a fix is applied whole or not)."""

    changes: list[tuple[Fix, tuple[Edit, ...]]] = field(default_factory=list)
    unfixed: list[Unfixed] = field(default_factory=list)

    def change(self, edit: Edit, fix: Fix, *more: Edit) -> None:
        self.changes.append((fix, (edit, *more)))

    @property
    def edits(self) -> list[Edit]:
        return [edit for _, edits in self.changes for edit in edits]

    @property
    def fixes(self) -> list[Fix]:
        return [fix for fix, _ in self.changes]

    def refuse(self, code: str, line: int, reason: str) -> None:
        self.unfixed.append(Unfixed(code, line, reason))


class Fixer(Protocol):
    """A fixer reads the document and proposes non-overlapping edits; it never writes."""

    code: str

    def __call__(self, doc: Doc) -> Outcome: ...
