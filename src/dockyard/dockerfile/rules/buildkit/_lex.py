"""Words as BuildKit's shell lexer processes them, with the variables each one named.

BuildKit's checks on variables (``UndefinedVar``, ``UndefinedArgInFrom``,
``RedundantTargetPlatform``, ``FromPlatformFlagConstDisallowed``, ``InvalidDefaultArgInFrom``)
look at which names a word's expansion found set ("matched") and which it did not
("unmatched"), so this lexer records both while it expands: ``$NAME``, ``${NAME}`` and every
``${NAME<op>word}`` form (the word is processed first, so its variables count too); single quotes
stop expansion, the escape character keeps the next character; ``quotes=False`` treats quotes as
text (what BuildKit does for the body of a ``COPY <<EOF`` heredoc).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Expansion", "LexError", "expand_word", "raw_words"]

_SPECIAL = frozenset("@*#?-$!0")


class LexError(ValueError):
    """A word BuildKit refuses to expand (``${}``, an unclosed ``${``...); the build fails
    there, so no check reports on it."""


@dataclass
class Expansion:
    text: str
    matched: list[str] = field(default_factory=list)  # in order of first use
    unmatched: list[str] = field(default_factory=list)


def expand_word(
    word: str, env: Mapping[str, str], *, escape: str = "\\", quotes: bool = True
) -> Expansion:
    """Expand one word against ``env``; raise :class:`LexError` where BuildKit errors."""
    lexer = _Lexer(word, env, escape=escape, quotes=quotes)
    text = lexer.until(None)
    return Expansion(text=text, matched=lexer.matched, unmatched=lexer.unmatched)


def raw_words(text: str, *, escape: str = "\\") -> list[str]:
    """Split on unquoted blanks, keeping quotes and escapes in the words (they are processed
    when each word is expanded)."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            elif char == escape and quote == '"' and i + 1 < len(text):
                i += 1
                current.append(text[i])
        elif char == escape and i + 1 < len(text):
            current += [char, text[i + 1]]
            i += 1
        elif char.isspace():
            if current:
                words.append("".join(current))
                current = []
        else:
            if char in "'\"":
                quote = char
            current.append(char)
        i += 1
    if current:
        words.append("".join(current))
    return words


class _Lexer:
    def __init__(self, text: str, env: Mapping[str, str], *, escape: str, quotes: bool) -> None:
        self.text = text
        self.env = env
        self.escape = escape
        self.quotes = quotes
        self.pos = 0
        self.matched: list[str] = []
        self.unmatched: list[str] = []

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def next(self) -> str:
        char = self.peek()
        self.pos += 1
        return char

    def lookup(self, name: str) -> tuple[str, bool]:
        if name in self.env:
            if name not in self.matched:
                self.matched.append(name)
            return self.env[name], True
        if name not in self.unmatched:
            self.unmatched.append(name)
        return "", False

    def until(self, stop: str | None) -> str:
        """Process up to ``stop`` (consumed) or the end of the word (``stop`` None)."""
        out: list[str] = []
        while True:
            char = self.peek()
            if char == "":
                if stop is not None:
                    raise LexError(f"missing {stop!r}")
                return "".join(out)
            if char == stop:
                self.next()
                return "".join(out)
            if self.quotes and char == "'":
                out.append(self.single_quoted())
            elif self.quotes and char == '"':
                out.append(self.double_quoted())
            elif char == "$":
                out.append(self.dollar())
            elif char == self.escape:
                self.next()
                out.append(self.next())
            else:
                out.append(self.next())

    def single_quoted(self) -> str:
        self.next()
        end = self.text.find("'", self.pos)
        if end < 0:
            raise LexError("unexpected end of statement while looking for matching single-quote")
        value, self.pos = self.text[self.pos : end], end + 1
        return value

    def double_quoted(self) -> str:
        self.next()
        out: list[str] = []
        while True:
            char = self.peek()
            if char == "":
                raise LexError("unexpected end while looking for matching double-quote")
            if char == '"':
                self.next()
                return "".join(out)
            if char == "$":
                out.append(self.dollar())
                continue
            self.next()
            if char == self.escape and self.peek() in ('"', "$", self.escape) and self.peek():
                char = self.next()
            out.append(char)

    def name(self) -> str:
        start = self.pos
        char = self.peek()
        if char.isdigit():
            while self.peek().isdigit():
                self.next()
            return self.text[start : self.pos]
        if char and char in _SPECIAL:
            return self.next()
        while self.peek() and (self.peek().isalnum() or self.peek() == "_"):
            self.next()
        return self.text[start : self.pos]

    def dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self.name()
            return self.lookup(name)[0] if name else "$"
        self.next()
        if self.peek() in ("", "{", "}", ":"):
            raise LexError("bad substitution")
        name = self.name()
        operator = self.next()
        if operator == "}":
            return self.lookup(name)[0]
        null_is_unset = operator == ":"
        if null_is_unset:
            operator = self.next()
        if operator in ("+", "-", "?", "#", "%"):
            word = self.until("}")
            value, is_set = self.lookup(name)
            present = is_set and not (null_is_unset and value == "")
            if operator == "-":
                return value if present else word
            if operator == "+":
                return word if present else ""
            if operator == "?":
                if not present:
                    raise LexError(f"{name}: {word or 'is not allowed to be unset'}")
                return value
            return value  # prefix/suffix trimming: the value's text does not matter to checks
        if operator == "/" and not null_is_unset:
            self.until("/")
            self.until("}")
            return self.lookup(name)[0]
        raise LexError(f"unsupported modifier ({operator}) in substitution")
