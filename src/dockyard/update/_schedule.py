"""When the next cycle runs: every N seconds, or on a 6-field cron schedule (with seconds).

Watchtower's ``--schedule`` takes six fields, seconds first (``0 0 4 * * *`` is 04:00 daily);
croniter reads the seconds field last, so the first field is moved to the end. Five-field
expressions are accepted too, as plain cron.
"""

from __future__ import annotations

from datetime import UTC, datetime

from croniter import croniter

from dockyard.errors import UsageError

__all__ = ["Schedule"]


class Schedule:
    def __init__(self, *, interval: float | None = None, cron: str | None = None) -> None:
        if cron:
            fields = cron.split()
            if len(fields) == 6:
                fields = fields[1:] + fields[:1]
            expression = " ".join(fields)
            if len(fields) not in (5, 6) or not croniter.is_valid(expression):
                raise UsageError(f"--schedule {cron!r} is not a valid 6-field cron expression")
            self._cron: str | None = expression
        else:
            self._cron = None
        self._interval = interval or 86400.0

    def seconds_until_next(self, *, now: datetime | None = None) -> float:
        now = now or datetime.now(UTC)
        if self._cron is None:
            return self._interval
        following: datetime = croniter(self._cron, now).get_next(datetime)
        return max(0.0, (following - now).total_seconds())

    def describe(self) -> str:
        return f"cron {self._cron}" if self._cron else f"every {self._interval:g}s"
