"""The watch daemon: cycles on a schedule or on demand, never two at a time."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from dockyard._memory import release_memory
from dockyard.update._cycle import Watcher
from dockyard.update._report import CycleReport
from dockyard.update._schedule import Schedule

__all__ = ["WatchLoop"]

log = logging.getLogger("dockyard.watch")
Listener = Callable[[CycleReport], object]


class WatchLoop:
    def __init__(self, *, watcher: Watcher, listeners: Sequence[Listener] = ()) -> None:
        self.watcher = watcher
        self.listeners = list(listeners)
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def cycle(self, images: Sequence[str] = (), *, wait: float = 600.0) -> CycleReport | None:
        """Run one cycle now; None when another one held the lock for longer than ``wait``."""
        if not self._lock.acquire(timeout=wait):
            return None
        try:
            report = self.watcher.run_cycle(images=images)
        finally:
            release_memory()
            self._lock.release()
        if report.changed:
            log.warning("%s", report.text())
        else:
            log.info("%s", report.summary())
        for listener in self.listeners:
            listener(report)
        self._hand_over(wait)
        return report

    def _hand_over(self, wait: float) -> None:
        """After the report went out: dockyard's own update, if the cycle planned one."""
        if self.watcher.pending_handover is None or not self._lock.acquire(timeout=wait):
            return
        try:
            reason = self.watcher.finish_handover()
        finally:
            self._lock.release()
        if reason is not None:
            log.error("%s", reason)

    def run(self, *, schedule: Schedule | None, first_now: bool = True) -> None:
        """Cycle on ``schedule`` until :attr:`stop` is set (None: only on demand)."""
        if schedule is not None and first_now:
            self.cycle()
        release_memory()
        while not self.stop.is_set():
            wait = schedule.seconds_until_next() if schedule else 3600.0
            if self.stop.wait(wait):
                break
            if schedule is not None:
                self.cycle()
