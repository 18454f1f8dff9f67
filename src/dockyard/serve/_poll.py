"""The ``poll`` trigger: ``git ls-remote`` every interval, a new head becomes a delivery.

It is the only trigger for a host a forge cannot reach (a home server behind NAT), and it
reconciles: a webhook that never arrived is caught at the next check. A new head becomes the
internal delivery ``poll:<app>:<commit>``, so each commit is polled in once, ever, across
restarts; the worker then decides, as for a webhook, whether it needs building.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence

from dockyard.errors import DockyardError, SourceError
from dockyard.secrets import redact
from dockyard.serve._config import App
from dockyard.serve._inbox import AcceptOutcome, Inbox
from dockyard.serve._store import Delivery, DeliveryKind, DeliveryStatus

__all__ = ["Poller", "branch_head", "due", "poll_delivery"]

log = logging.getLogger("dockyard.serve.poll")


def branch_head(app: App) -> str:
    """The commit ``app.branch`` points at in ``app.repo`` now: one ``git ls-remote``, run as
    ``dockyard build`` runs it (no prompts, no command-running transports, the URL and its
    credentials in the environment rather than the process list)."""
    from dockyard.build import resolve

    info = resolve(app.repo, ref=f"refs/heads/{app.branch}")
    if info is None or info.branch != app.branch:
        raise SourceError(f"no branch {app.branch} in {redact(app.repo)}")
    return info.revision


def due(apps: Sequence[App], last: Mapping[str, float], now: float) -> list[App]:
    """The apps with ``poll`` whose interval has passed since their last check."""
    return [
        app
        for app in apps
        if app.poll is not None
        and (app.name not in last or now - last[app.name] >= app.poll.total_seconds())
    ]


def poll_delivery(app: App, head: str, *, known: str | None, now: float) -> Delivery | None:
    """The delivery a check makes: one for a head not seen before, else None."""
    if head == known:
        return None
    return Delivery(
        id=f"poll:{app.name}:{head}",
        app=app.name,
        provider="poll",
        kind=DeliveryKind.BUILD,
        received_at=now,
        commit=head,
        status=DeliveryStatus.QUEUED,
        reason=None,
    )


class Poller:
    """A thread checking each polled app at its interval."""

    def __init__(
        self,
        apps: Sequence[App],
        inbox: Inbox,
        *,
        head: Callable[[App], str] = branch_head,
        clock: Callable[[], float] = time.time,
        tick_s: float = 1.0,
    ) -> None:
        self.apps = [app for app in apps if app.poll is not None]
        self.inbox = inbox
        self.head = head
        self.clock = clock
        self.tick_s = tick_s
        self.known: dict[str, str] = {}
        self.last: dict[str, float] = {}
        self.errors: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self, now: float) -> list[Delivery]:
        """One pass: ask each due app's head; the deliveries it queued."""
        made: list[Delivery] = []
        for app in due(self.apps, self.last, now):
            self.last[app.name] = now
            try:
                head = self.head(app)
            except DockyardError as exc:
                self.errors[app.name] = redact(str(exc))
                log.warning("poll %s: %s", app.name, self.errors[app.name])
                continue
            self.errors.pop(app.name, None)
            delivery = poll_delivery(app, head, known=self.known.get(app.name), now=now)
            self.known[app.name] = head
            if delivery is None:
                continue
            outcome = self.inbox.accept(delivery).outcome
            if outcome is AcceptOutcome.FULL:
                self.known.pop(app.name, None)  # try again at the next check
            elif outcome is AcceptOutcome.QUEUED:
                made.append(delivery)
        return made

    def start(self) -> None:
        if not self.apps:
            return
        self._thread = threading.Thread(target=self._loop, name="serve-poll", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.check(self.clock())
            self._stop.wait(self.tick_s)
