"""Word splitting and variable substitution as docker's frontend does them.

Docker splits ``ENV``/``LABEL``/``ARG`` arguments on unquoted whitespace, removes quotes, and
expands ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:+alt}``,
``${VAR+alt}`` and ``${VAR:?message}``; single quotes stop expansion. These few functions are the
one place that knows those rules, so the parser, ``FROM`` resolution and rules agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "expand",
    "heredoc_only_command",
    "heredoc_shell_command",
    "legacy_form_without_value",
    "name_value_pairs",
    "split_words",
    "unquote_word",
    "without_heredoc_markers",
]

_HEREDOC_WORD = re.compile(r"""^\d*<<-?(['"]?)(?:[A-Za-z0-9_.-]|\\.)+\1$""")
_MARKER_BLANKS = re.compile(r"(?<!<)(\d*<<)[ \t]+(?=[^\s<])")  # BuildKit: ``<<  EOF`` is one word
_DQUOTE_ESCAPABLE = frozenset('"$\n')
_LEGACY_SPLIT = re.compile(r"[\t\v\f\r ]+")


def split_words(text: str, *, escape: str = "\\") -> list[str]:
    """Split on unquoted whitespace; quotes are removed, escapes resolved (docker's rules)."""
    words: list[str] = []
    current: list[str] = []
    in_word = False
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == escape and quote == '"' and i + 1 < len(text):
                i += 1
                if text[i] not in _DQUOTE_ESCAPABLE and text[i] != escape:
                    current.append(char)  # POSIX: the escape stays before other characters
                current.append(text[i])
            else:
                current.append(char)
        elif char in "'\"":
            quote = char
            in_word = True
        elif char == escape and i + 1 < len(text):
            i += 1
            current.append(text[i])
            in_word = True
        elif char.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
        else:
            current.append(char)
            in_word = True
        i += 1
    if in_word:
        words.append("".join(current))
    return words


def name_value_pairs(text: str, *, escape: str = "\\") -> list[tuple[str, str]]:
    """``a=b "c d"=e`` pairs; the legacy form ``NAME value with spaces`` when the first word has
    no ``=``: BuildKit splits at the first run of blanks (tabs too) and the value then loses its
    quotes and escapes like any word, its inner blanks kept."""
    stripped = text.strip()
    words = split_words(stripped, escape=escape)
    if not words:
        return []
    if "=" not in words[0]:
        name, value = [*_LEGACY_SPLIT.split(stripped, maxsplit=1), ""][:2]
        return [(name, unquote_word(value, escape=escape))]
    pairs: list[tuple[str, str]] = []
    for word in words:
        name, _, value = word.partition("=")
        pairs.append((name, value))
    return pairs


def legacy_form_without_value(text: str, *, escape: str = "\\") -> bool:
    """True for ``ENV NAME`` / ``LABEL NAME``: legacy form (no ``=`` in the first word) with
    nothing after the name, which BuildKit refuses ("must have two arguments")."""
    stripped = text.strip()
    words = split_words(stripped, escape=escape)
    return bool(words) and "=" not in words[0] and len(_LEGACY_SPLIT.split(stripped, 1)) < 2


def unquote_word(text: str, *, escape: str = "\\") -> str:
    """Quote removal and escapes of one word, blanks kept (BuildKit's ``ProcessWord`` without
    variables): outside quotes the escape takes the next character literally; in double quotes
    only before ``"``, ``$``, the escape character and newline; nothing in single quotes."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
        elif quote == '"':
            if char == '"':
                quote = ""
            elif char == escape and i + 1 < len(text):
                i += 1
                if text[i] not in _DQUOTE_ESCAPABLE and text[i] != escape:
                    out.append(char)
                out.append(text[i])
            elif char != escape:
                out.append(char)
        elif char in "'\"":
            quote = char
        elif char == escape:
            if i + 1 < len(text):
                i += 1
                out.append(text[i])
        else:
            out.append(char)
        i += 1
    return "".join(out)


def heredoc_only_command(arguments: str) -> bool:
    """True when a RUN's command is nothing but heredoc markers, so the body is the script."""
    words = _marker_words(arguments)
    return bool(words) and all(_HEREDOC_WORD.match(w) for w in words)


_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})


def heredoc_shell_command(arguments: str) -> bool:
    """True for ``bash <<EOF`` / ``<<EOF sh -e``: a shell reading its script from the heredoc."""
    words = [w for w in _marker_words(arguments) if not _HEREDOC_WORD.match(w)]
    programs = [w for w in words if not w.startswith("-")]
    return len(programs) == 1 and programs[0].rsplit("/", 1)[-1] in _SHELLS


def without_heredoc_markers(arguments: str) -> str:
    return " ".join(w for w in _marker_words(arguments) if not _HEREDOC_WORD.match(w))


def _marker_words(arguments: str) -> list[str]:
    return _MARKER_BLANKS.sub(r"\1", arguments).split()


def expand(text: str, variables: Mapping[str, str | None], *, escape: str = "\\") -> str:
    """Substitute variables the way docker's shell lexer does for ``FROM`` and friends.

    Unknown variables expand to the empty string, as in docker. Quotes are kept (callers split
    afterwards when they need words).
    """
    out: list[str] = []
    i = 0
    in_single = False
    while i < len(text):
        char = text[i]
        if char == "'" and not in_single:
            in_single = True
            out.append(char)
        elif char == "'" and in_single:
            in_single = False
            out.append(char)
        elif in_single:
            out.append(char)
        elif char == escape and i + 1 < len(text) and text[i + 1] == "$":
            out.append("$")
            i += 1
        elif char == "$" and i + 1 < len(text):
            value, i = _expand_at(text, i, variables, escape=escape)
            out.append(value)
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _expand_at(
    text: str, start: int, variables: Mapping[str, str | None], *, escape: str
) -> tuple[str, int]:
    """Expand the ``$`` at ``start``; return the value and the index after the reference."""
    if text[start + 1] == "{":
        end = _matching_brace(text, start + 2)
        if end < 0:
            return text[start:], len(text)
        return _expand_braced(text[start + 2 : end], variables, escape=escape), end + 1
    match = _NAME.match(text, start + 1)
    if match is None:
        return "$", start + 1
    return variables.get(match.group()) or "", match.end()


def _matching_brace(text: str, index: int) -> int:
    depth = 1
    while index < len(text):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _expand_braced(inner: str, variables: Mapping[str, str | None], *, escape: str) -> str:
    match = _NAME.match(inner)
    if match is None:
        return ""
    name, rest = match.group(), inner[match.end() :]
    value = variables.get(name)
    is_set = name in variables and value is not None
    if not rest:
        return value or ""
    for operator in (":-", ":+", ":?", "-", "+", "?"):
        if rest.startswith(operator):
            word = expand(rest[len(operator) :], variables, escape=escape)
            return _apply_operator(operator, value, is_set=is_set, word=word)
    return value or ""


def _apply_operator(operator: str, value: str | None, *, is_set: bool, word: str) -> str:
    non_empty = bool(value)
    if operator == ":-":
        return value if non_empty and value is not None else word
    if operator == "-":
        return value if is_set and value is not None else word
    if operator == ":+":
        return word if non_empty else ""
    if operator == "+":
        return word if is_set else ""
    return value or ""
