"""Package-manager caches that never belong in a layer: pip (DL3042), apk (DL3019), yum/dnf
(DL3032, DL3040 for dnf and microdnf, as hadolint reads it).

Each is one flag or one ``clean all`` in the same RUN. A RUN that mounts a build cache
(``--mount=type=cache``) is left alone: there the cache is meant to persist, outside the image.
"""

from __future__ import annotations

import re
from typing import ClassVar

from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.fix._edit import append_command, replace_in_step
from dockyard.dockerfile.fix._model import Fix, Outcome
from dockyard.dockerfile.fix._shell import command_name, commands
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = ["ApkNoCache", "PipNoCacheDir", "YumClean"]


def _candidates(doc: Doc) -> list[Step]:
    return [
        step
        for step in doc.steps
        if step.keyword == "RUN"
        and step.shell_form
        and not any("type=cache" in flag for flag in step.flags)
    ]


def _env_sets(doc: Doc, step: Step, name: str) -> bool:
    return any(
        s.keyword in ("ENV", "ARG")
        and s.stage == step.stage
        and s.start < step.start
        and name in s.text
        for s in doc.steps
    )


class PipNoCacheDir:
    code = "DL3042"
    _pattern = re.compile(r"(\bpip[0-9.]*\s+install\b)(?!.*--no-cache-dir)")

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for step in _candidates(doc):
            parsed = commands(step.text) or []
            if not any(_pip_install(c) and "--no-cache-dir" not in c.words for c in parsed):
                continue
            if _env_sets(doc, step, "PIP_NO_CACHE_DIR"):
                continue
            edit = replace_in_step(doc, step, self._pattern, r"\1 --no-cache-dir")
            if edit is None:
                outcome.refuse(self.code, step.start, "pip install is split over lines")
                continue
            outcome.change(edit, Fix(self.code, step.start, "pip install --no-cache-dir"))
        return outcome


def _pip_install(command: Command) -> bool:
    name, args = command_name(command)
    if re.fullmatch(r"python[0-9.]*", name) and args[:2] == ["-m", "pip"]:
        args = args[2:]
    elif not re.fullmatch(r"pip[0-9.]*", name):
        return False
    return bool(args) and args[0] == "install"


class ApkNoCache:
    code = "DL3019"
    _pattern = re.compile(r"(\bapk\s+add\b)(?!.*--no-cache)")

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for step in _candidates(doc):
            parsed = commands(step.text) or []
            adds = [c for c in parsed if command_name(c)[0] == "apk" and "add" in c.words]
            if not any("--no-cache" not in c.words for c in adds):
                continue
            edit = replace_in_step(doc, step, self._pattern, r"\1 --no-cache")
            if edit is None:
                outcome.refuse(self.code, step.start, "apk add is split over lines")
                continue
            outcome.change(edit, Fix(self.code, step.start, "apk add --no-cache"))
        return outcome


class YumClean:
    code = "DL3032"
    _codes: ClassVar[dict[str, str]] = {"yum": "DL3032", "dnf": "DL3040", "microdnf": "DL3040"}

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for step in _candidates(doc):
            parsed = commands(step.text) or []
            for tool, code in self._codes.items():
                installs = any(
                    command_name(c)[0] == tool and "install" in command_name(c)[1] for c in parsed
                )
                cleans = any(
                    command_name(c)[0] == tool and "clean" in command_name(c)[1] for c in parsed
                )
                if installs and not cleans:
                    edit = append_command(doc, step, f"{tool} clean all")
                    outcome.change(edit, Fix(code, step.start, f"{tool} clean all in the same RUN"))
                    break
        return outcome
