"""Remove apt's lists and downloaded packages in the RUN that made them (DL3009).

``apt-get update`` writes ~160 MB of package lists on Debian bookworm, and ``apt-get install``
keeps the .deb files it downloaded (on bases without the docker-clean apt hook). Both are useless
at run time; removed in a later layer they would still weigh in the image, so the removal goes
into the same RUN. It is skipped (and reported) when a later RUN installs packages without its
own ``apt-get update``: that RUN needs the lists.
"""

from __future__ import annotations

from dockyard.dockerfile._shell import Command, apt_install_packages
from dockyard.dockerfile.fix._edit import append_command
from dockyard.dockerfile.fix._model import Fix, Outcome
from dockyard.dockerfile.fix._shell import command_name, commands
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = ["AptLists"]

_LISTS = "/var/lib/apt/lists"
_NEED_LISTS = frozenset({"install", "source", "download", "build-dep", "satisfy"})


def _updates(command: Command) -> bool:
    name, args = command_name(command)
    return name in ("apt-get", "apt") and "update" in args


def _cleans(command: Command) -> bool:
    name, args = command_name(command)
    return (name in ("apt-get", "apt") and "clean" in args) or any(
        "/var/cache/apt" in word for word in command.words
    )


class AptLists:
    code = "DL3009"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for position, step in enumerate(doc.steps):
            if step.keyword != "RUN" or not step.shell_form:
                continue
            parsed = commands(step.text) or []
            if not any(_updates(c) for c in parsed):
                continue
            if any(_LISTS in word for c in parsed for word in c.words):
                continue
            missing = [f"rm -rf {_LISTS}/*"]
            installs = any(apt_install_packages(c) is not None for c in parsed)
            if installs and not any(_cleans(c) for c in parsed):
                missing.insert(0, "apt-get clean")
            if not missing:
                continue
            needing = _later_install_without_update(doc, position, step)
            if needing is not None:
                outcome.refuse(
                    self.code,
                    step.start,
                    f"line {needing.start} installs packages"
                    " without apt-get update: it needs these lists",
                )
                continue
            edit = append_command(doc, step, " && ".join(missing))
            outcome.change(
                edit, Fix(self.code, step.start, "removed apt lists and cache in the same RUN")
            )
        return outcome


def _later_install_without_update(doc: Doc, position: int, step: Step) -> Step | None:
    stages = {step.stage} | {s.index for s in doc.later_stages_using(step.stage)}
    for later in doc.steps[position + 1 :]:
        if later.stage not in stages or later.keyword != "RUN":
            continue
        parsed = commands(later.text) if later.shell_form else None
        if parsed is None:
            if "apt" in later.text:
                return later
            continue
        for command in parsed:
            if _updates(command):
                break
            name, args = command_name(command)
            if name == "apt-cache" or (name in ("apt-get", "apt") and _NEED_LISTS & set(args)):
                return later
    return None
