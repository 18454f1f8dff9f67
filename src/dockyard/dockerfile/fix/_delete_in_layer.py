"""Delete a file in the layer that created it, not in a later one (DY008).

A file written by one RUN and removed by a later RUN still weighs in the image: the first layer
keeps it, the second only hides it. When the later RUN is nothing but that ``rm`` and nothing in
between touches the path, the ``rm`` moves into the RUN that wrote the file. A file brought by
COPY/ADD is reported instead: the cure there is ``RUN --mount=type=bind`` (``optimize
--aggressive`` proposes it).
"""

from __future__ import annotations

from dockyard.dockerfile.fix._edit import append_command
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._shell import command_name, commands
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = ["DeleteInCreatingLayer"]


class DeleteInCreatingLayer:
    code = "DY008"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        busy: set[int] = set()
        for position, step in enumerate(doc.steps):
            paths = _lone_rm(step)
            if not paths:
                continue
            origin = _origin(doc, position, step, paths)
            if origin is None:
                continue
            if origin.keyword != "RUN" or not origin.shell_form:
                where = f"{origin.keyword} at line {origin.start}"
                outcome.refuse(
                    self.code, step.start, f"{' '.join(paths)} comes from {where}; use a bind mount"
                )
                continue
            if origin.start in busy or step.start in busy:
                continue
            busy.update({origin.start, step.start})
            moved = append_command(doc, origin, step.text.strip())
            removed = " ".join(paths)
            fix = Fix(self.code, origin.start, f"removed {removed} in the layer that wrote it")
            outcome.change(moved, fix, Edit(step.start, step.end, ()))
        return outcome


def _lone_rm(step: Step) -> list[str]:
    if step.keyword != "RUN" or not step.shell_form:
        return []
    parsed = commands(step.text) or []
    if len(parsed) != 1 or command_name(parsed[0])[0] != "rm":
        return []
    paths = [word for word in command_name(parsed[0])[1] if not word.startswith("-")]
    if not paths or not all(p.startswith("/") and "$" not in p for p in paths):
        return []
    return paths


def _origin(doc: Doc, position: int, step: Step, paths: list[str]) -> Step | None:
    """The last earlier step of the stage that names a path, if none in between touches it."""
    for earlier in reversed(doc.steps[:position]):
        if earlier.stage != step.stage or earlier.keyword == "FROM":
            return None
        if any(_names(earlier, path) for path in paths):
            if not all(_names(earlier, path) for path in paths):
                return None
            before = doc.steps[: doc.steps.index(earlier)]
            used = [s for s in before if s.stage == step.stage and s.keyword != "FROM"]
            if any(_names(s, path) for s in used for path in paths):
                return None  # written and used over several layers: joining RUNs is the cure
            return earlier
    return None


def _names(step: Step, path: str) -> bool:
    text = step.text
    if step.keyword in ("COPY", "ADD"):
        destination = text.split()[-1] if text.split() else ""
        return path.startswith(destination.rstrip("/") + "/") or path == destination
    stem = path.rstrip("*").rstrip("/")
    return bool(stem) and stem in text
