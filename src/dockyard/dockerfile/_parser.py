"""Dockerfile text -> :class:`Dockerfile`, following BuildKit's dockerfile frontend.

Why hand-written: ``dockerfile-parse`` has no heredocs and loses exact spans; the ``dockerfile``
package (a compiled wrapper of BuildKit's Go parser) returns no comments. Rules need comments
(pragmas), fixers need exact spans, and hadolint's users' worst complaint is current syntax it
cannot read, so the parser is ours, tested against a table of cases, every file of the corpus
and the real engine.

Behaviour kept from BuildKit:
- parser directives (``# syntax=``, ``# escape=``, ``# check=``) only before anything else; the
  first line that is not a known directive ends them;
- a line ending in the escape character (``\\`` or ``\\``` by directive), trailing blanks allowed,
  continues; comment lines and empty lines inside a continuation are dropped; a continuation at end
  of file is not an error;
- heredocs on ``RUN``/``COPY``/``ADD``: several per instruction, ``<<-`` strips leading tabs,
  a quoted delimiter means no expansion, anything may follow the terminator; markers are found
  in the shell lexer's words (escapes kept, blanks right after ``<<`` part of the word, so
  ``<<  EOF`` is a marker) and the delimiter is that word unquoted and unescaped;
- ``--flag[=value]`` words before the arguments of any instruction; exec (JSON) form where the
  arguments are a JSON array of strings, shell form when they are not valid JSON; a valid array
  with anything but strings is an error;
- legacy ``ENV name value`` / ``LABEL name value`` split at the first run of blanks and need a
  value;
- unknown instruction, unterminated heredoc and ``FROM`` without an image are syntax errors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from dockyard.dockerfile._healthcheck import HealthcheckError, parse_healthcheck
from dockyard.dockerfile._model import Comment, Dockerfile, Flag, Heredoc, Instruction, Stage
from dockyard.dockerfile._words import (
    expand,
    heredoc_only_command,
    legacy_form_without_value,
    split_words,
    unquote_word,
)
from dockyard.errors import DockerfileError

__all__ = ["KEYWORDS", "parse"]

KEYWORDS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
        "WORKDIR",
    }
)  # fmt: skip
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_JSON_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_HEREDOC = re.compile(r"^(\d*)<<(-?)\s*([^<]*)$")
_NOT_STRINGS = "when using JSON array syntax, arrays must be comprised of strings only"


def parse(text: str, *, path: str = "Dockerfile") -> Dockerfile:
    """Parse ``text``; raise :class:`DockerfileError` (with ``path`` and ``line``) on bad syntax."""
    return _Parser(text, path=path).run()


@dataclass
class _Logical:
    """One instruction's joined text, with where each physical line starts in it."""

    text: str
    first: int  # 0-based index of the first physical line
    last: int  # 0-based index of the last physical line (continuations)
    offsets: list[tuple[int, int]] = field(default_factory=list)  # (line index, offset in text)


class _Parser:
    def __init__(self, text: str, *, path: str) -> None:
        self.path = path
        self.text = text
        body = text.replace("\r\n", "\n")
        body = body.removeprefix("\ufeff")
        self.lines = body.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.escape = "\\"
        self.directives: dict[str, str] = {}
        self.comments: list[Comment] = []
        self.continuation = _continuation("\\")

    def error(self, message: str, index: int) -> DockerfileError:
        return DockerfileError(message, path=self.path, line=index + 1)

    # -- driver ------------------------------------------------------------------------------
    def run(self) -> Dockerfile:
        index = self._directives()
        instructions: list[Instruction] = []
        while index < len(self.lines):
            stripped = self.lines[index].strip()
            if not stripped:
                index += 1
            elif stripped.startswith("#"):
                self.comments.append(Comment(index + 1, stripped[1:].strip()))
                index += 1
            else:
                instruction, index = self._instruction(index)
                instructions.append(instruction)
        if not instructions:
            raise DockerfileError("file with no instructions", path=self.path, line=1)
        stages, global_args = _stages(instructions, path=self.path)
        return Dockerfile(
            path=self.path,
            text=self.text,
            lines=self.lines,
            directives=self.directives,
            comments=self.comments,
            instructions=instructions,
            stages=stages,
            global_args=global_args,
            escape=self.escape,
        )

    def _directives(self) -> int:
        index = 0
        while index < len(self.lines):
            match = _DIRECTIVE.match(self.lines[index].strip())
            if match is None or match.group(1).lower() not in _DIRECTIVES:
                break
            name, value = match.group(1).lower(), match.group(2)
            if name in self.directives:
                raise self.error(f"only one {name} parser directive can be used", index)
            if name == "escape":
                if value not in ("\\", "`"):
                    raise self.error(
                        f"invalid escape token {value!r} does not match ` or \\", index
                    )
                self.escape = value
                self.continuation = _continuation(value)
            self.directives[name] = value
            self.comments.append(Comment(index + 1, self.lines[index].strip()[1:].strip()))
            index += 1
        return index

    # -- one instruction ---------------------------------------------------------------------
    def _instruction(self, index: int) -> tuple[Instruction, int]:
        logical = self._join(index)
        keyword_text, _, rest = logical.text.lstrip().partition(" ")
        keyword_text, _, tab_rest = keyword_text.partition("\t")
        rest = (tab_rest + " " + rest) if tab_rest else rest
        keyword = keyword_text.upper()
        if keyword not in KEYWORDS:
            raise self.error(f"unknown instruction: {keyword_text}", index)
        heredocs: list[Heredoc] = []
        end = logical.last
        if "<<" in rest and _may_have_heredocs(keyword, rest):
            heredocs, end = self._heredocs(rest, logical.last)
        raw = "\n".join(self.lines[logical.first : end + 1])
        instruction = self._build(keyword, keyword_text, rest, logical, raw=raw, end=end)
        instruction.heredocs = heredocs
        instruction.script_lines = self._script_lines(instruction, logical)
        return instruction, end + 1

    def _build(
        self, keyword: str, original: str, rest: str, logical: _Logical, *, raw: str, end: int
    ) -> Instruction:
        flags, arguments = self._flags(rest)
        if keyword in ("ENV", "LABEL"):
            self._check_name_values(keyword, arguments, logical.first)
        healthcheck = None
        if keyword == "HEALTHCHECK":  # its CMD's array is checked as RUN's is
            command = [*arguments.split(maxsplit=1), "", ""][1]
            exec_form = self._exec_form(command, logical.first)
            try:
                healthcheck = parse_healthcheck(flags, arguments, json_args=exec_form)
            except HealthcheckError as exc:
                raise self.error(str(exc), logical.first) from None
        instruction = Instruction(
            keyword=keyword,
            start_line=logical.first + 1,
            end_line=end + 1,
            raw=raw,
            flags=flags,
            arguments=arguments,
            original_keyword=original,
            escape=self.escape,
            healthcheck=healthcheck,
        )
        if keyword in _JSON_KEYWORDS:
            instruction.json_args = self._exec_form(arguments, logical.first)
        if keyword == "ONBUILD":
            instruction.onbuild = self._onbuild(arguments, logical, raw=raw, end=end)
        return instruction

    def _check_name_values(self, keyword: str, arguments: str, index: int) -> None:
        """BuildKit's refusals of ENV and LABEL arguments: none at all, a legacy ``NAME`` without
        a value, or a word without ``=`` in the ``name=value`` form."""
        words = split_words(arguments.strip(), escape=self.escape)
        if not words:
            raise self.error(f"{keyword} requires at least one argument", index)
        if legacy_form_without_value(arguments, escape=self.escape):
            raise self.error(f"{keyword} must have two arguments", index)
        if "=" in words[0]:
            for word in words:
                if "=" not in word:
                    raise self.error(
                        f"Syntax error - can't find = in {json.dumps(word)}. "
                        "Must be of the form: name=value",
                        index,
                    )

    def _exec_form(self, arguments: str, index: int) -> list[str] | None:
        """The exec form's strings, or ``None`` for shell form (not valid JSON: BuildKit falls
        back silently); a valid array of anything but strings is BuildKit's error."""
        value = _json_value(arguments)
        if value is _NOT_A_STRING_ARRAY:
            raise self.error(_NOT_STRINGS, index)
        return value

    def _onbuild(self, arguments: str, logical: _Logical, *, raw: str, end: int) -> Instruction:
        inner_text, _, inner_rest = arguments.strip().partition(" ")
        inner = inner_text.upper()
        if inner not in KEYWORDS:
            raise self.error(f"unknown instruction: {inner_text}", logical.first)
        if inner in ("ONBUILD", "FROM", "MAINTAINER"):
            raise self.error(f"{inner} isn't allowed as an ONBUILD trigger", logical.first)
        return self._build(inner, inner_text, inner_rest, logical, raw=raw, end=end)

    def _join(self, index: int) -> _Logical:
        """Join continuation lines; drop comment and empty lines inside them (as docker does)."""
        first_line = self.lines[index].lstrip()
        logical = _Logical(text="", first=index, last=index)
        line, more = self._trim_continuation(first_line)
        logical.offsets.append((index, 0))
        logical.text = line
        cursor = index + 1
        while more and cursor < len(self.lines):
            current = self.lines[cursor]
            stripped = current.strip()
            if stripped.startswith("#"):
                self.comments.append(Comment(cursor + 1, stripped[1:].strip()))
            elif stripped:
                logical.offsets.append((cursor, len(logical.text)))
                line, more = self._trim_continuation(current)
                logical.text += line
            logical.last = cursor
            cursor += 1
        return logical

    def _trim_continuation(self, line: str) -> tuple[str, bool]:
        match = self.continuation.search(line)
        if match is None:
            return line, False
        return line[: match.start()] + (match.group(1) or ""), True

    def _heredocs(self, rest: str, last: int) -> tuple[list[Heredoc], int]:
        markers = [m for m in (_HEREDOC.match(w) for w in _heredoc_words(rest)) if m is not None]
        cursor = last + 1
        heredocs: list[Heredoc] = []
        for marker in markers:
            fd, strip_tabs, word = marker.group(1), marker.group(2) == "-", marker.group(3)
            if len(split_words(word)) != 1:
                continue  # BuildKit: the delimiter must lex to exactly one word
            delimiter, quoted = unquote_word(word), _has_quoting(word)
            body: list[str] = []
            start = cursor
            while True:
                if cursor >= len(self.lines):
                    raise self.error(f"unterminated heredoc {delimiter}", last)
                line = self.lines[cursor].rstrip("\r")
                if strip_tabs:
                    line = line.lstrip("\t")
                cursor += 1
                if line == delimiter:
                    break
                body.append(line)
            text = "".join(b + "\n" for b in body)
            heredocs.append(
                Heredoc(
                    delimiter=delimiter,
                    body=text,
                    strip_tabs=strip_tabs,
                    quoted=quoted,
                    start_line=start + 1,
                    end_line=cursor,
                    file_descriptor=int(fd) if fd else None,
                )
            )
        return heredocs, cursor - 1

    def _flags(self, rest: str) -> tuple[list[Flag], str]:
        """``--name[=value]`` words before the arguments; ``--`` alone ends them."""
        flags: list[Flag] = []
        position = 0
        for start, end in _raw_word_spans(rest):
            word = rest[start:end]
            if not word.startswith("--"):
                position = start
                break
            position = end
            if word == "--":
                break
            text = split_words(word, escape=self.escape)
            name, sep, value = (text[0] if text else word)[2:].partition("=")
            flags.append(Flag(name, value if sep else None))
        else:
            position = len(rest)
        return flags, rest[position:].strip()

    def _script_lines(self, instruction: Instruction, logical: _Logical) -> list[tuple[int, str]]:
        """The shell script of a shell-form RUN, one entry per Dockerfile line, so ShellCheck's
        line numbers map back. Dropped comment lines become a lone ``\\`` to keep the command
        joined; a body-only heredoc RUN is its body."""
        if instruction.keyword != "RUN" or instruction.json_args is not None:
            return []
        if instruction.heredocs and heredoc_only_command(instruction.arguments):
            doc = instruction.heredocs[0]
            numbers = range(doc.start_line, doc.end_line)
            return list(zip(numbers, doc.body.splitlines(), strict=False))
        args_at = _arguments_offset(logical.text)
        segment = max(i for i, (_, off) in enumerate(logical.offsets) if off <= args_at)
        first_line = logical.offsets[segment][0]
        kept = {line for line, _ in logical.offsets}
        script: list[tuple[int, str]] = []
        text = logical.text[args_at : _segment_end(logical, segment)]
        script.append((first_line + 1, text + ("\\" if first_line < logical.last else "")))
        for number in range(first_line + 1, instruction.end_line):
            text = self.lines[number]
            if number <= logical.last and number not in kept:
                text = "\\"
            elif number <= logical.last and self.escape != "\\":
                text, more = self._trim_continuation(text)
                text += "\\" if more else ""
            script.append((number + 1, text))
        return script


def _continuation(escape: str) -> re.Pattern[str]:
    """BuildKit's rule: the escape character ends a line (blanks may follow) unless it is
    itself escaped; alone on a line it continues too."""
    token = re.escape(escape)
    return re.compile(f"([^{token}]){token}[ \t]*$|^{token}[ \t]*$")


def _may_have_heredocs(keyword: str, rest: str) -> bool:
    """RUN/COPY/ADD in shell form may carry heredocs, also as an ONBUILD trigger."""
    if keyword == "ONBUILD":
        keyword, _, rest = rest.strip().partition(" ")
        keyword = keyword.upper()
    return keyword in _HEREDOC_KEYWORDS and _json_form(rest.strip()) is None


def _segment_end(logical: _Logical, position: int) -> int:
    return (
        logical.offsets[position + 1][1]
        if position + 1 < len(logical.offsets)
        else len(logical.text)
    )


def _arguments_offset(text: str) -> int:
    """Offset of the arguments (after keyword and flags) in a joined instruction text."""
    stripped = text.lstrip()
    spans = _raw_word_spans(stripped)
    if not spans:
        return len(stripped)
    for start, end in spans[1:]:
        word = stripped[start:end]
        if not word.startswith("--"):
            return start
        if word == "--":
            return end
    return len(stripped)


def _raw_word_spans(text: str, *, heredoc_markers: bool = False) -> list[tuple[int, int]]:
    """Spans of whitespace-separated words, quotes respected and kept. With ``heredoc_markers``
    the words are those BuildKit's lexer finds heredoc markers in: a backslash outside single
    quotes keeps the next character in the word, and blanks right after ``<<`` belong to the
    marker's word, so ``<<  EOF`` is one word."""
    spans: list[tuple[int, int]] = []
    start = -1
    quote = ""
    escaped = False
    glued_until = -1  # blanks before this offset follow a ``<<`` and stay in the word
    for position, char in enumerate(text):
        if escaped:
            escaped = False
        elif quote:
            if char == quote:
                quote = ""
            elif heredoc_markers and char == "\\" and quote == '"':
                escaped = True
        elif char.isspace():
            if start >= 0 and position >= glued_until:
                spans.append((start, position))
                start = -1
        else:
            if start < 0:
                start = position
            if char in "'\"":
                quote = char
            elif heredoc_markers and char == "\\":
                escaped = True
            elif heredoc_markers and text.startswith("<<", position) and position >= glued_until:
                glued_until = position + 2
                while glued_until < len(text) and text[glued_until] in " \t":
                    glued_until += 1
    if start >= 0:
        spans.append((start, len(text)))
    return spans


def _heredoc_words(text: str) -> list[str]:
    return [text[a:b] for a, b in _raw_word_spans(text, heredoc_markers=True)]


def _has_quoting(word: str) -> bool:
    """True when a quote in ``word`` works as a quote (not escaped): the heredoc is then quoted
    and its body not expanded."""
    i = 0
    while i < len(word):
        if word[i] == "\\":
            i += 2
            continue
        if word[i] in "'\"":
            return True
        i += 1
    return False


def _json_form(arguments: str) -> list[str] | None:
    """The exec form's list, or ``None`` when this is shell form (docker falls back silently)."""
    value = _json_value(arguments)
    return None if value is _NOT_A_STRING_ARRAY else value


_NOT_A_STRING_ARRAY = ["<not a string array>"]  # sentinel, compared by identity


def _reject_constant(name: str) -> object:
    raise ValueError(name)  # NaN/Infinity: not JSON for Go's decoder


def _json_value(arguments: str) -> list[str] | None:
    """``None`` for shell form (no ``[`` or invalid JSON, as BuildKit falls back), the strings of
    an exec form, or :data:`_NOT_A_STRING_ARRAY` for valid JSON that is not an array of strings
    (an error in BuildKit)."""
    arguments = arguments.lstrip()
    if not arguments.startswith("["):
        return None
    try:
        value = json.loads(arguments, parse_constant=_reject_constant)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return _NOT_A_STRING_ARRAY


# -- stages ------------------------------------------------------------------------------------
def _stages(
    instructions: list[Instruction], *, path: str
) -> tuple[list[Stage], dict[str, str | None]]:
    stages: list[Stage] = []
    global_args: dict[str, str | None] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            stages.append(_new_stage(instruction, len(stages), global_args, path=path))
        elif not stages:
            if instruction.keyword == "ARG":
                for name, default in instruction.arg_pairs():
                    value = None if default is None else expand(default, global_args)
                    global_args[name] = value
            continue
        else:
            stages[-1].instructions.append(instruction)
        instruction.stage_index = len(stages) - 1
    return stages, global_args


def _new_stage(
    instruction: Instruction, index: int, global_args: dict[str, str | None], *, path: str
) -> Stage:
    words = split_words(instruction.arguments, escape=instruction.escape)
    if not words:
        raise DockerfileError(
            "FROM requires either one or three arguments", path=path, line=instruction.start_line
        )
    name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
    return Stage(
        index=index,
        name=name,
        base_image=words[0],
        base_resolved=expand(words[0], global_args),
        platform=instruction.flag("platform"),
        instructions=[instruction],
        start_line=instruction.start_line,
    )
