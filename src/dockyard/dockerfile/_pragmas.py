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

__all__ = ["Pragmas", "read_pragmas"]

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
