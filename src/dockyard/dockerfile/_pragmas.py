"""Ignore pragmas in comments, read as hadolint reads them (plus ``dockyard`` as a synonym).

- ``# hadolint ignore=DL3006,SC2086``: the instruction that starts on the next line;
- ``# hadolint global ignore=DL3059``: the whole file;
- ``# hadolint stage ignore=DL3008``: from the line after the pragma up to the next ``FROM``
  (each ``FROM`` resets the set unless a stage pragma precedes it). hadolint starts one line
  later, so its stage pragma right before a ``FROM`` misses that ``FROM`` line; ours covers it;
- ``# hadolint shell=pwsh``: the shell ShellCheck should assume.

A finding inside an ignored instruction's span counts as on the instruction (ShellCheck findings
point at lines inside a RUN's continuation or heredoc).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from dockyard.dockerfile._model import Dockerfile

__all__ = ["CheckDirective", "Pragmas", "read_check_directive", "read_pragmas"]

_CODES = r"([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)\s*(?:#.*)?$"
_IGNORE = re.compile(r"^(?:hadolint|dockyard)[ \t]+ignore[ \t]*=[ \t]*" + _CODES)
_GLOBAL = re.compile(r"^(?:hadolint|dockyard)[ \t]+global[ \t]+ignore[ \t]*=[ \t]*" + _CODES)
_STAGE = re.compile(r"^(?:hadolint|dockyard)[ \t]+stage[ \t]+ignore[ \t]*=[ \t]*" + _CODES)
_SHELL = re.compile(r"^(?:hadolint|dockyard)[ \t]+shell[ \t]*=[ \t]*(\S+)\s*(?:#.*)?$")


def _codes(text: str) -> frozenset[str]:
    return frozenset(code.strip() for code in text.split(","))


@dataclass
class Pragmas:
    """Which codes are ignored where, and the shell pragma if any."""

    global_ignores: frozenset[str] = frozenset()
    line_ignores: dict[int, frozenset[str]] = field(default_factory=dict)
    stage_keys: list[int] = field(default_factory=list)
    stage_sets: list[frozenset[str]] = field(default_factory=list)
    shell: str | None = None
    shell_lines: dict[int, str] = field(default_factory=dict)

    def ignores(self, code: str, line: int) -> bool:
        if code in self.global_ignores or code in self.line_ignores.get(line, frozenset()):
            return True
        position = bisect.bisect_right(self.stage_keys, line) - 1
        return position >= 0 and code in self.stage_sets[position]


def read_pragmas(df: Dockerfile) -> Pragmas:
    pragmas = Pragmas()
    spans = {i.start_line: i.end_line for i in df.instructions}
    stage_marks: dict[int, frozenset[str]] = {}
    global_codes: set[str] = set()
    for comment in df.comments:
        text = comment.text
        if match := _IGNORE.match(text):
            target = comment.line + 1
            for line in range(target, spans.get(target, target) + 1):
                pragmas.line_ignores[line] = pragmas.line_ignores.get(line, frozenset()) | _codes(
                    match.group(1)
                )
        elif match := _GLOBAL.match(text):
            global_codes |= _codes(match.group(1))
        elif match := _STAGE.match(text):
            stage_marks[comment.line + 1] = _codes(match.group(1))
        elif match := _SHELL.match(text):
            pragmas.shell = pragmas.shell or match.group(1)
            pragmas.shell_lines[comment.line] = match.group(1)
    for stage in df.stages:
        stage_marks.setdefault(stage.start_line, frozenset())
    pragmas.global_ignores = frozenset(global_codes)
    pragmas.stage_keys = sorted(stage_marks)
    pragmas.stage_sets = [stage_marks[key] for key in pragmas.stage_keys]
    return pragmas


@dataclass(frozen=True)
class CheckDirective:
    """BuildKit's ``# check=skip=A,B;error=true`` parser directive (``skip=all`` skips every
    check); it applies to BuildKit's checks only."""

    skip_all: bool = False
    skip: frozenset[str] = frozenset()
    error: bool = False

    def skips(self, name: str) -> bool:
        """Experimental checks are never skipped: as in BuildKit, only ``experimental=`` turns
        them on or off (the checks read that themselves)."""
        from dockyard.dockerfile.rules.buildkit import EXPERIMENTAL_CHECKS

        return name not in EXPERIMENTAL_CHECKS and (self.skip_all or name in self.skip)


def read_check_directive(df: Dockerfile) -> CheckDirective:
    """The ``check`` directive of ``df``; an invalid one is ignored, as BuildKit ignores it."""
    value = df.directives.get("check", "").split(" ")[0].strip()
    skip_all, skip, error = False, frozenset[str](), False
    for part in value.split(";", 2) if value else []:
        key, sep, text = part.partition("=")
        key, text = key.strip(), text.strip()
        if not sep:
            return CheckDirective()
        if key == "skip":
            skip_all = text == "all"
            skip = frozenset() if skip_all else frozenset(t.strip() for t in text.split(","))
        elif key == "error":
            if text.lower() not in ("1", "t", "true", "0", "f", "false"):
                return CheckDirective()
            error = text.lower() in ("1", "t", "true")
        elif key != "experimental":
            return CheckDirective()
    return CheckDirective(skip_all=skip_all, skip=skip, error=error)
