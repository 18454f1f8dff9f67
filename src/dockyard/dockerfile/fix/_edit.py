"""Line-level edits that keep the style of the instruction they touch.

A command appended to a RUN follows its continuation style (``&&`` leading the next line or
trailing the previous one) and its indentation; every other line stays byte for byte.
"""

from __future__ import annotations

import re

from dockyard.dockerfile.fix._model import Edit
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = [
    "append_command",
    "apply_edits",
    "continuation_indent",
    "eol",
    "replace_in_step",
    "substitute_words",
]


def eol(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def apply_edits(lines: list[str], edits: list[Edit]) -> str:
    """Apply non-overlapping edits bottom-up so earlier line numbers stay valid."""
    result = list(lines)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        result[edit.start - 1 : edit.end] = list(edit.lines)
    return "".join(result)


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def append_command(doc: Doc, step: Step, command: str) -> Edit:
    """``step`` with ``&& command`` added at its end, in the instruction's own layout."""
    raw = doc.raw(step)
    last = raw[-1]
    body, ending = last.rstrip("\r\n"), eol(last) or "\n"
    if len(raw) == 1:
        return Edit(step.start, step.end, (f"{body} && {command}{eol(last)}",))
    continued = [line for line in raw[1:] if not _is_comment(line) and line.strip()]
    reference = continued[-1] if continued else ""
    indent = reference[: len(reference) - len(reference.lstrip())] or "    "
    if reference.lstrip().startswith(("&&", "||")):
        new = (f"{body.rstrip()} {doc.escape}{ending}", f"{indent}&& {command}{eol(last)}")
    else:
        new = (f"{body.rstrip()} && {doc.escape}{ending}", f"{indent}{command}{eol(last)}")
    return Edit(step.start, step.end, (*raw[:-1], *new))


def replace_in_step(
    doc: Doc, step: Step, pattern: re.Pattern[str], replacement: str
) -> Edit | None:
    """Substitute ``pattern`` on the instruction's own lines (never its comment lines)."""
    raw = doc.raw(step)
    changed = False
    new: list[str] = []
    for line in raw:
        if _is_comment(line) and line is not raw[0]:
            new.append(line)
            continue
        updated = pattern.sub(replacement, line)
        changed = changed or updated != line
        new.append(updated)
    return Edit(step.start, step.end, tuple(new)) if changed else None


def substitute_words(line: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w.-]){re.escape(old)}(?![\w.-])", new, line)


def continuation_indent(lines: list[str]) -> str:
    """The indentation the author uses for continuation lines (four spaces when none)."""
    for line in lines[1:]:
        if line.strip() and not _is_comment(line):
            return line[: len(line) - len(line.lstrip())] or "    "
    return "    "
