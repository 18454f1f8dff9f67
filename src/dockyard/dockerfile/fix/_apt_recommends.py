"""``apt-get install -y --no-install-recommends`` (DL3015, and DL3014's ``-y``).

Recommended packages are most of an apt layer's bytes and rarely needed. The few a program does
need (curl's CA certificates, gcc's libc headers) are named explicitly, so dropping recommends
changes the size, not what works.
"""

from __future__ import annotations

from dockyard.dockerfile._shell import Command, apt_install_packages
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._packages import KEEP_WITHOUT_RECOMMENDS, apt_install_pattern
from dockyard.dockerfile.fix._shell import commands
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = ["AptRecommends"]

_YES = ("-y", "--yes", "--assume-yes")


def _has_yes(command: Command) -> bool:
    return any(
        word in _YES or (word.startswith("-") and not word.startswith("--") and "y" in word)
        for word in command.words
    )


def _no_recommends(command: Command) -> bool:
    return "--no-install-recommends" in command.words or any(
        "install-recommends" in word.lower() and "false" in word.lower() for word in command.words
    )


class AptRecommends:
    code = "DL3015"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for step in doc.steps:
            if step.keyword != "RUN" or not step.shell_form:
                continue
            installs = [c for c in commands(step.text) or [] if apt_install_packages(c) is not None]
            if not any(not _no_recommends(c) or not _has_yes(c) for c in installs):
                continue
            edit = _rewrite(doc, step, installs)
            if edit is None:
                outcome.refuse(self.code, step.start, "apt-get install is split over lines")
                continue
            outcome.change(
                edit,
                Fix(self.code, step.start, "apt-get install -y --no-install-recommends"),
            )
        return outcome


def _rewrite(doc: Doc, step: Step, installs: list[Command]) -> Edit | None:
    pattern = apt_install_pattern()
    queue = list(installs)
    present = {p for c in installs for p in apt_install_packages(c) or []}
    new: list[str] = []
    for index, line in enumerate(doc.raw(step)):
        if index and line.lstrip().startswith("#"):
            new.append(line)
            continue
        parts: list[str] = []
        position = 0
        for match in pattern.finditer(line):
            if not queue:
                return None
            command = queue.pop(0)
            additions = _additions(command, present)
            present.update(additions.split())
            parts.append(line[position : match.end()] + additions)
            position = match.end()
        parts.append(line[position:])
        new.append("".join(parts))
    if queue:
        return None
    return Edit(step.start, step.end, tuple(new))


def _additions(command: Command, present: set[str]) -> str:
    added = []
    if not _has_yes(command):
        added.append("-y")
    if not _no_recommends(command):
        added.append("--no-install-recommends")
        packages = apt_install_packages(command) or []
        keep = {
            extra
            for package in packages
            for extra in KEEP_WITHOUT_RECOMMENDS.get(package.split("=")[0], ())
        }
        added.extend(sorted(keep - present))
    return "".join(f" {word}" for word in added)
