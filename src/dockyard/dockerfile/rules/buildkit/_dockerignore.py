"""A build context's ``.dockerignore``, read and matched as BuildKit's frontend does it.

Reading (moby's ``ignorefile``): lines starting with ``#`` are comments, the rest are trimmed, blank
ones dropped, ``!`` marks an exception; each pattern is cleaned like a path (``a//b/../c`` ->
``a/c``) and loses a leading ``/``. Matching (moby's ``patternmatcher``): patterns apply in order,
an exception only to what an earlier pattern excluded; ``*`` and ``?`` stop at ``/``, ``**`` spans
directories, ``[...]`` is a class, ``\\`` escapes; a path is also excluded when one of its parent
directories is (``MatchesOrParentMatches``, what ``CopyIgnoredFile`` asks).

The file read is ``<Dockerfile>.dockerignore`` beside the Dockerfile when it exists, else the
``.dockerignore`` of the Dockerfile's directory, taken as the build context (a linter is given a
file, not a context).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["IgnoreMatcher", "clean_path", "context_ignore_file", "read_patterns"]


def clean_path(path: str) -> str:
    """Go's ``filepath.Clean`` for ``/``-separated paths."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append(part)
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def read_patterns(text: str) -> list[str]:
    patterns: list[str] = []
    for number, raw in enumerate(text.splitlines()):
        line = raw.removeprefix("\ufeff") if number == 0 else raw
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = clean_path(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


def context_ignore_file(dockerfile: str) -> Path | None:
    """The ignore file BuildKit would read for ``dockerfile`` built with its own directory as the
    context, or None."""
    path = Path(dockerfile)
    if not path.is_file():
        return None
    for candidate in (path.with_name(path.name + ".dockerignore"), path.parent / ".dockerignore"):
        if candidate.is_file():
            return candidate
    return None


@dataclass
class _Pattern:
    text: str
    exclusion: bool
    kind: str  # "exact", "prefix", "suffix", "regexp"
    regexp: re.Pattern[str] | None = None

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        return self.regexp is not None and self.regexp.match(path) is not None


_ESCAPED = set(".+()|{}$")


def _compile(text: str, exclusion: bool) -> _Pattern:
    """patternmatcher's compile: plain text is an exact match, ``x/**`` a prefix, ``**/x`` a
    suffix, anything else a regular expression anchored at both ends."""
    out = "^"
    kind = "exact"
    i = 0
    while i < len(text):
        char = text[i]
        if char == "*":
            if i + 1 < len(text) and text[i + 1] == "*":
                first = i == 0
                i += 1
                if i + 1 < len(text) and text[i + 1] == "/":
                    i += 1
                if i + 1 >= len(text):
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        out += ".*"
                        kind = "regexp"
                else:
                    out += "(.*/)?"
                    kind = "regexp"
                if first:
                    kind = "suffix"
            else:
                out += "[^/]*"
                kind = "regexp"
        elif char == "?":
            out += "[^/]"
            kind = "regexp"
        elif char in _ESCAPED:
            out += "\\" + char
        elif char == "\\":
            if i + 1 < len(text):
                i += 1
                out += re.escape(text[i])
                kind = "regexp"
            else:
                out += "\\\\"
        elif char in "[]":
            out += char
            kind = "regexp"
        else:
            out += char
        i += 1
    if kind != "regexp":
        return _Pattern(text, exclusion, kind)
    try:
        regexp = re.compile(out + "$", re.DOTALL)
    except re.error:
        regexp = None
    return _Pattern(text, exclusion, "regexp", regexp)


class IgnoreMatcher:
    """The patterns of one ``.dockerignore``, as BuildKit compiles them."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns: list[_Pattern] = []
        for raw in patterns:
            text = raw.strip()
            if not text:
                continue
            text = clean_path(text)
            exclusion = text.startswith("!")
            if exclusion:
                text = text[1:]
                if not text:
                    continue
            self.patterns.append(_compile(text, exclusion))

    def matches_or_parent_matches(self, path: str) -> bool:
        """Whether ``path`` (as written in the Dockerfile, not cleaned) or one of its parent
        directories is excluded."""
        matched = False
        parent = _dirname(path)
        parents = parent.split("/")
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            hit = pattern.match(path)
            if not hit and parent != ".":
                hit = any(pattern.match("/".join(parents[: i + 1])) for i in range(len(parents)))
            if hit:
                matched = not pattern.exclusion
        return matched


def _dirname(path: str) -> str:
    """Go's ``filepath.Dir``: everything before the last ``/``, cleaned."""
    head = path[: path.rfind("/") + 1]
    return clean_path(head)
