"""Build progress for a person: a live view on a terminal, plain lines everywhere else.

Both reporters take a ``say`` callable (the application's stderr writer, which redacts secrets),
so stdout stays machine-readable and CI logs get one line per event, in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from dockyard.secrets import redact

if TYPE_CHECKING:
    from dockyard.engine import BuildEvent

__all__ = ["LiveReporter", "PlainReporter"]


class PlainReporter:
    """One line per step, step output indented under it; for pipes, CI and log files."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self._say = say

    def note(self, text: str) -> None:
        self._say(text)

    def event(self, event: BuildEvent) -> None:
        if event.kind == "step":
            self._say(f"=> {event.step}" + (" (cached)" if event.cached else ""))
        elif event.kind == "log":
            self._say(f"   {event.text}")
        elif event.kind == "done" and event.text:
            self._say(f"!! {event.step}: {event.text}")
        elif event.kind == "note":
            self._say(event.text)

    def __enter__(self) -> PlainReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class LiveReporter:
    """The last few steps with their state and the newest output line, redrawn in place."""

    _SHOWN_STEPS = 8

    def __init__(self, console: Console) -> None:
        self._console = console
        self._steps: dict[str, list[object]] = {}  # name -> [started, finished, cached, last line]
        self._notes: list[str] = []
        self._live = Live(console=console, refresh_per_second=8, transient=False)

    def note(self, text: str) -> None:
        self._console.print(redact(text), markup=False, highlight=False)

    def event(self, event: BuildEvent) -> None:
        if event.kind == "note":
            self.note(event.text)
            return
        state = self._steps.setdefault(event.step, [time.monotonic(), None, False, ""])
        if event.kind == "step":
            state[2] = event.cached
        elif event.kind == "done":
            state[1] = time.monotonic()
            state[2] = event.cached
        elif event.kind == "log":
            state[3] = event.text
        self._live.update(self._render())

    def _render(self) -> Group:
        rows = []
        for name, (started, finished, cached, last) in list(self._steps.items())[
            -self._SHOWN_STEPS :
        ]:
            assert isinstance(started, float)
            if finished is not None:
                assert isinstance(finished, float)
                mark, style = (
                    ("CACHED", "dim") if cached else (f"{finished - started:5.1f}s", "green")
                )
            else:
                mark, style = f"{time.monotonic() - started:5.1f}s", "yellow"
            line = Text(f"{mark:>7} ", style=style)
            line.append(redact(name))
            rows.append(line)
            if finished is None and last:
                rows.append(Text(f"        {redact(str(last))[:120]}", style="dim"))
        return Group(*rows)

    def __enter__(self) -> LiveReporter:
        self._live.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._live.__exit__(exc_type, exc, tb)
