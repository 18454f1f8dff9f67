"""One notification per cycle through apprise (every service, one URL syntax)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from dockyard.secrets import redact
from dockyard.update._report import CycleReport

__all__ = ["Notifier"]

log = logging.getLogger("dockyard.watch")


class Notifier:
    """Sends a cycle's report when something other than "fresh" happened."""

    def __init__(self, *, urls: Sequence[str]) -> None:
        self._urls = [u for u in urls if u.strip()]
        self._apprise = None
        if self._urls:
            import apprise  # imported only when used: it is large

            self._apprise = apprise.Apprise()
            for url in self._urls:
                if not self._apprise.add(url):
                    log.warning("notification URL not understood: %s", redact(url))

    def send(self, report: CycleReport, *, title: str = "dockyard watch") -> bool:
        if self._apprise is None or not report.changed:
            return False
        sent = bool(self._apprise.notify(title=title, body=report.text()))
        if not sent:
            log.warning("a notification could not be delivered")
        return sent
