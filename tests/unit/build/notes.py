"""A progress sink for the build pipeline that keeps every line, for assertions."""

from __future__ import annotations

from dockyard.engine import BuildEvent


class Notes:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def note(self, text: str) -> None:
        self.lines.append(text)

    def event(self, event: BuildEvent) -> None:
        self.lines.append(event.text)
