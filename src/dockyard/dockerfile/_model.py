"""What a parsed Dockerfile is: plain, immutable-in-spirit data that rules and fixers read.

Every instruction keeps its exact source span (``start_line``..``end_line``, ``raw``) so a fixer can
rewrite one instruction and leave every other byte of the file as the author wrote it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

__all__ = [
    "Comment",
    "Dockerfile",
    "Flag",
    "Healthcheck",
    "HealthcheckKind",
    "Heredoc",
    "Instruction",
    "Stage",
]


@dataclass(frozen=True)
class Flag:
    """One ``--name=value`` (bare ``--name``: value ``None``) before the arguments."""

    name: str
    value: str | None


@dataclass(frozen=True)
class Comment:
    """A ``#`` line; ``text`` is what follows the ``#``, stripped. Pragmas are read from these."""

    line: int
    text: str


@dataclass(frozen=True)
class Heredoc:
    """One ``<<EOF`` document. ``body`` is the text between marker and terminator, tabs already
    stripped for ``<<-``; ``quoted`` means the delimiter was quoted, so no variable expansion;
    ``chomp`` is docker's name for the ``-`` (strip leading tabs) flag and equals ``strip_tabs``.
    ``start_line``/``end_line`` are the body's first line and the terminator's line."""

    delimiter: str
    body: str
    strip_tabs: bool
    quoted: bool
    start_line: int
    end_line: int
    file_descriptor: int | None = None

    @property
    def chomp(self) -> bool:
        return self.strip_tabs


class HealthcheckKind(enum.Enum):
    NONE = "NONE"  # HEALTHCHECK NONE: the base image's check is switched off
    CMD = "CMD"  # exec form: the command run as an array
    CMD_SHELL = "CMD-SHELL"  # shell form: the line run by the image's shell


@dataclass(frozen=True)
class Healthcheck:
    """A HEALTHCHECK as BuildKit records it in the image; durations in seconds, ``None`` where
    the option is not given (the engine's defaults apply: 30 s, 30 s, 0 s, 5 s, 3 retries)."""

    kind: HealthcheckKind
    command: list[str] = field(default_factory=list)  # CMD: the exec array
    shell_command: str = ""  # CMD-SHELL: the line the shell runs
    interval: float | None = None
    timeout: float | None = None
    start_period: float | None = None
    start_interval: float | None = None
    retries: int | None = None


@dataclass
class Instruction:
    """One instruction, from its keyword to its last continuation or heredoc terminator line."""

    keyword: str
    start_line: int
    end_line: int
    raw: str
    flags: list[Flag] = field(default_factory=list)
    arguments: str = ""
    json_args: list[str] | None = None
    heredocs: list[Heredoc] = field(default_factory=list)
    stage_index: int = -1
    onbuild: Instruction | None = None
    original_keyword: str = ""
    script_lines: list[tuple[int, str]] = field(default_factory=list)
    escape: str = "\\"
    healthcheck: Healthcheck | None = None  # HEALTHCHECK only

    def flag(self, name: str) -> str | None:
        """The value of ``--name`` (last one wins), ``""`` for a bare flag, ``None`` if absent."""
        value: str | None = None
        for flag in self.flags:
            if flag.name == name:
                value = flag.value if flag.value is not None else ""
        return value

    def flag_values(self, name: str) -> list[str]:
        """Every value of a repeatable flag such as ``--mount`` or ``--exclude``."""
        return [f.value or "" for f in self.flags if f.name == name]

    @property
    def is_exec_form(self) -> bool:
        return self.json_args is not None

    @property
    def words(self) -> list[str]:
        """The arguments split like a shell would split them (quotes removed)."""
        from dockyard.dockerfile._words import split_words

        if self.json_args is not None:
            return list(self.json_args)
        return split_words(self.arguments, escape=self.escape)

    # -- typed accessors -------------------------------------------------------------------
    @property
    def uses_legacy_key_value(self) -> bool:
        """``ENV name value`` / ``LABEL name value``: the legacy form, without ``=`` in the first
        word (BuildKit's ``LegacyKeyValueFormat`` check); False for ``name=value`` and others."""
        from dockyard.dockerfile._words import split_words

        if self.keyword not in ("ENV", "LABEL"):
            return False
        words = split_words(self.arguments.strip(), escape=self.escape)
        return bool(words) and "=" not in words[0]

    def env_pairs(self) -> list[tuple[str, str]]:
        """``ENV``/``LABEL`` pairs, for ``ENV a=b c=d`` and the legacy ``ENV a b c``."""
        from dockyard.dockerfile._words import name_value_pairs

        return name_value_pairs(self.arguments, escape=self.escape)

    def arg_pairs(self) -> list[tuple[str, str | None]]:
        """``ARG a=1 b``: every declared name with its default (``None`` when it has none)."""
        from dockyard.dockerfile._words import split_words

        pairs: list[tuple[str, str | None]] = []
        for word in split_words(self.arguments, escape=self.escape):
            name, sep, default = word.partition("=")
            pairs.append((name, default if sep else None))
        return pairs

    @property
    def arg_name(self) -> str | None:
        pairs = self.arg_pairs()
        return pairs[0][0] if pairs else None

    @property
    def arg_default(self) -> str | None:
        pairs = self.arg_pairs()
        return pairs[0][1] if pairs else None

    @property
    def from_image(self) -> str | None:
        """The raw image reference of a ``FROM`` (before ARG substitution)."""
        words = self.words
        return words[0] if self.keyword == "FROM" and words else None

    @property
    def from_alias(self) -> str | None:
        """The stage name of ``FROM image AS name``, lower-cased as docker compares them."""
        words = self.words
        if self.keyword == "FROM" and len(words) >= 3 and words[1].lower() == "as":
            return words[2].lower()
        return None

    @property
    def shell_script(self) -> str:
        """The shell commands of a shell-form ``RUN``, for rules: the command line, plus the
        body of a heredoc fed to a shell (``RUN <<EOF``, ``RUN bash <<EOF``); a body with a
        non-shell shebang (``#!/usr/bin/env python3``) is not shell and is left out."""
        from dockyard.dockerfile._words import (
            heredoc_only_command,
            heredoc_shell_command,
            without_heredoc_markers,
        )

        if self.json_args is not None:
            return ""
        if not self.heredocs:
            return self.arguments
        body = self.heredocs[0].body
        if body.startswith("#!") and not _SHELL_SHEBANG.match(body):
            body = ""
        if heredoc_only_command(self.arguments):
            return body
        if heredoc_shell_command(self.arguments):
            return without_heredoc_markers(self.arguments) + "\n" + body
        return self.arguments


_SHELL_SHEBANG = re.compile(r"#!\s*(/usr)?/bin/(env\s+)?(ba|da|k|z|a)?sh\b")


@dataclass
class Stage:
    """One build stage, from its ``FROM`` to the instruction before the next ``FROM``."""

    index: int
    name: str | None
    base_image: str
    base_resolved: str
    platform: str | None
    instructions: list[Instruction]
    start_line: int

    @property
    def from_instruction(self) -> Instruction:
        return self.instructions[0]


@dataclass
class Dockerfile:
    """A parsed Dockerfile: instructions in order, grouped into stages, with comments kept."""

    path: str
    text: str
    lines: list[str]
    directives: dict[str, str]
    comments: list[Comment]
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: dict[str, str | None]
    escape: str = "\\"

    def stage_named(self, name: str) -> Stage | None:
        lowered = name.lower()
        return next((s for s in self.stages if s.name == lowered), None)

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def comment_before(self, line: int) -> Comment | None:
        """The comment on the line right before ``line``, where pragmas live."""
        return next((c for c in self.comments if c.line == line - 1), None)
