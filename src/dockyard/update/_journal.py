"""A crash-safe journal of each container replacement.

One JSON-lines file per replacement under ``<state-dir>/journal/``. Before each step an
``intent`` line is appended and fsync'ed; after it, a ``done`` line. A file whose last line is
not ``finished`` or ``rolled_back`` is an interrupted replacement: the next ``watch`` replays it
(see :mod:`dockyard.update._recover`). Lines are appended whole and fsync'ed, so after a crash
at most the last line is torn; a torn line is ignored.

For tests, ``DOCKYARD_TEST_CRASH_AT=<step>`` (or ``<step>.done``) makes the process send itself
SIGKILL right after that journal line is on disk: a real kill at a known point.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CRASH_ENV", "Journal", "JournalEntry", "default_state_dir", "open_journals"]

CRASH_ENV = "DOCKYARD_TEST_CRASH_AT"
_FINAL = ("finished", "rolled_back")


def default_state_dir(environ: Mapping[str, str]) -> Path:
    """``$XDG_STATE_HOME/dockyard``, ``/var/lib/dockyard`` for root, else ``~/.local/state``."""
    if environ.get("XDG_STATE_HOME"):
        return Path(environ["XDG_STATE_HOME"]) / "dockyard"
    if os.geteuid() == 0:
        return Path("/var/lib/dockyard")
    return Path(environ.get("HOME", "~")).expanduser() / ".local" / "state" / "dockyard"


@dataclass
class JournalEntry:
    """What a journal file says: the plan, and every step's intent/done records."""

    path: Path
    plan: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)

    def done(self, step: str) -> dict[str, Any] | None:
        for record in reversed(self.records):
            if record.get("step") == step and record.get("phase") == "done":
                return dict(record)
        return None

    def intended(self, step: str) -> bool:
        return any(r.get("step") == step for r in self.records)

    @property
    def finished(self) -> bool:
        return any(r.get("step") in _FINAL and r.get("phase") == "done" for r in self.records)

    @property
    def last_step(self) -> str:
        return str(self.records[-1].get("step")) if self.records else "begin"


class Journal:
    """The journal of one replacement; every line is on disk before the call returns."""

    def __init__(self, *, state_dir: Path, plan: Mapping[str, Any]) -> None:
        directory = state_dir / "journal"
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{plan.get('name', 'x')}-{uuid.uuid4().hex[:8]}"
        self.path = directory / f"{name}.jsonl"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._write({"step": "plan", "phase": "done", "plan": dict(plan)})
        _fsync_dir(directory)

    @classmethod
    def resume(cls, entry: JournalEntry) -> Journal:
        """Append to an interrupted replacement's journal while replaying it."""
        journal = cls.__new__(cls)
        journal.path = entry.path
        journal._fd = os.open(entry.path, os.O_WRONLY | os.O_APPEND)
        return journal

    def intent(self, step: str, **data: Any) -> None:
        self._write({"step": step, "phase": "intent", **data})

    def done(self, step: str, **data: Any) -> None:
        self._write({"step": step, "phase": "done", **data})

    def close(self, *, remove: bool) -> None:
        os.close(self._fd)
        if remove:
            self.path.unlink(missing_ok=True)
            _fsync_dir(self.path.parent)

    def _write(self, record: dict[str, Any]) -> None:
        record["at"] = time.time()
        line = json.dumps(record, sort_keys=True, default=str) + "\n"
        os.write(self._fd, line.encode())
        os.fsync(self._fd)
        _crash_if_asked(record)


def _crash_if_asked(record: Mapping[str, Any]) -> None:
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    step = str(record.get("step"))
    here = step if record.get("phase") == "intent" else f"{step}.done"
    if wanted == here:
        if os.getpid() == 1:  # a container's init ignores even SIGKILL from inside
            os._exit(128 + signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_journals(state_dir: Path) -> Iterator[JournalEntry]:
    """Every unfinished replacement found under ``state_dir``, oldest first."""
    directory = state_dir / "journal"
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.jsonl")):
        entry = _read(path)
        if entry is None:
            path.unlink(missing_ok=True)
            continue
        if entry.finished:
            path.unlink(missing_ok=True)
            continue
        yield entry


def _read(path: Path) -> JournalEntry | None:
    records: list[dict[str, Any]] = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line torn by the crash
    if not records or records[0].get("step") != "plan":
        return None
    return JournalEntry(path=path, plan=dict(records[0].get("plan") or {}), records=records[1:])
