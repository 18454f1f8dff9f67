"""Pin a FROM on ``:latest`` or no tag to a digest (DL3007, DL3006), with ``--pin`` only.

``latest`` moves: the same Dockerfile builds a different image tomorrow. The digest comes from a
resolver the caller injects (the registry client, or the engine's local image), so this module
stays free of network code; an image the resolver cannot resolve is reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Callable

from dockyard.dockerfile.fix._edit import eol
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._view import Doc

__all__ = ["PinLatest", "Resolver"]

Resolver = Callable[[str], str | None]
"""Maps an image reference to its digest (``sha256:...``), or None when it cannot."""


class PinLatest:
    code = "DL3007"

    def __init__(self, *, resolve: Resolver) -> None:
        self._resolve = resolve

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        names = {s.name.lower() for s in doc.stages if s.name}
        for step in doc.steps:
            if step.keyword != "FROM":
                continue
            words = step.text.split()
            image = words[0] if words else ""
            if not _floating(image, names):
                continue
            digest = self._resolve(image)
            if digest is None:
                outcome.refuse(self.code, step.start, f"cannot resolve {image} to a digest")
                continue
            line = doc.lines[step.start - 1]
            if step.start != step.end or image not in line:
                outcome.refuse(self.code, step.start, "FROM spans several lines; pin by hand")
                continue
            pinned = line.replace(image, f"{image}@{digest}", 1)
            outcome.change(
                Edit(step.start, step.end, (pinned.rstrip("\r\n") + eol(line),)),
                Fix(self.code, step.start, f"{image} pinned to {digest}"),
            )
        return outcome


def _floating(image: str, stage_names: set[str]) -> bool:
    if not image or "@" in image or "$" in image or image.lower() in stage_names:
        return False
    if image == "scratch":
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last or last.endswith(":latest")
