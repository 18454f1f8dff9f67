"""Shell scripts of RUN instructions, split into the commands rules reason about.

Why a hand tokenizer and not ``bashlex``: bashlex is GPL-3.0 (dockyard is MIT), it raises on
constructs real Dockerfiles use every day (``case``, ``$(( ))``, here-documents, ``[[ ]]``,
arrays), and rules need only "which programs run with which words", never a full AST. This module
does what hadolint's ``Shell`` module does with ShellCheck's parser, and no more:

- commands are separated by ``&&``, ``||``, ``;``, ``|``, ``&``, newlines, subshell parentheses
  and braces; ``if``/``then``/``do``/``while``/... start a new command; commands inside
  ``$(...)`` and backticks are found too (hadolint finds them);
- quotes are removed and escapes resolved in words; ``$VAR`` stays as written;
- ``NAME=value`` prefixes and redirections (``> f``, ``2>&1``, ``<<EOF`` with its body) are not
  arguments; comments are dropped.

A :class:`Command`'s ``name`` is its first word, as in hadolint (so ``sudo apt-get`` is ``sudo``);
:attr:`Command.unwrapped` looks through ``sudo``, ``env X=1``, ``nice``, ``time`` ... for rules that
care about the program that finally runs. Flag helpers follow hadolint's semantics: ``-abc`` is
the flags ``a``, ``b``, ``c``; ``--name=value`` is the flag ``name``;
``-`` and ``--`` are not flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Command", "Script", "parse_shell"]

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_REDIRECT = re.compile(r"^(\d*|&)(>>?|<<?<?|<>|>&|<&|>\|)(-?)(.*)$")
_RESERVED_START = frozenset(
    {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"}
)
_RESERVED_END = frozenset({"fi", "done", "esac", "}"})
_WRAPPERS = frozenset(
    {"sudo", "env", "nice", "nohup", "time", "exec", "command", "builtin", "xargs"}
)
_WRAPPER_VALUE_FLAGS = {
    "sudo": frozenset({"u", "g", "h", "p", "C", "D", "r", "t", "T", "U"}),
    "env": frozenset({"u", "C", "S"}),
    "nice": frozenset({"n"}),
    "xargs": frozenset({"a", "d", "E", "e", "I", "i", "L", "l", "n", "P", "s"}),
}


def _flag_names(word: str) -> list[str]:
    if word in ("-", "--") or not word.startswith("-"):
        return []
    if word.startswith("--"):
        return [word[2:].split("=", 1)[0]]
    return list(word[1:])


def _bare(flag: str) -> str:
    return flag.lstrip("-")


@dataclass(frozen=True)
class Command:
    """One simple command: the program's name and its argument words (quotes removed)."""

    name: str
    args: tuple[str, ...] = ()

    @property
    def flags(self) -> list[str]:
        """Every flag name, hadolint-style: ``-xy`` -> ``x``, ``y``; ``--a=b`` -> ``a``."""
        return [name for word in self.args for name in _flag_names(word)]

    def has_flag(self, *names: str) -> bool:
        """True when any of ``names`` (``"-y"``, ``"--yes"`` or ``"yes"``) is among the flags."""
        wanted = {_bare(n) for n in names}
        return any(flag in wanted for flag in self.flags)

    def count_flag(self, name: str) -> int:
        return sum(1 for flag in self.flags if flag == _bare(name))

    def has_arg(self, *values: str) -> bool:
        return any(arg in values for arg in self.args)

    def has_args(self, name: str, *values: str) -> bool:
        """hadolint's ``cmdHasArgs``: this is ``name`` and one argument is among ``values``."""
        return self.name == name and self.has_arg(*values)

    def has_prefix_arg(self, name: str, prefix: str) -> bool:
        return self.name == name and any(arg.startswith(prefix) for arg in self.args)

    @property
    def args_no_flags(self) -> list[str]:
        """hadolint's ``getArgsNoFlags``: words that are not flags (``-`` and ``--`` included)."""
        return [arg for arg in self.args if not _flag_names(arg)]

    def flag_args(self, name: str) -> list[str]:
        """hadolint's ``getFlagArg``: the word after each ``-name``/``--name`` flag."""
        wanted = _bare(name)
        values = []
        for index, word in enumerate(self.args):
            if wanted in _flag_names(word) and index + 1 < len(self.args):
                values.append(self.args[index + 1])
        return values

    def drop_flag_args(self, *names: str) -> Command:
        """hadolint's ``dropFlagArg``: remove the value word after these flags (unless inline)."""
        wanted = {_bare(n) for n in names}
        drop: set[int] = set()
        for index, word in enumerate(self.args):
            if "=" not in word and any(f in wanted for f in _flag_names(word)):
                drop.add(index + 1)
        kept = tuple(a for i, a in enumerate(self.args) if i not in drop)
        return Command(self.name, kept)

    @property
    def subcommand(self) -> str | None:
        """The first word that is not a flag (``install`` in ``apt-get -y install x``)."""
        words = self.args_no_flags
        return words[0] if words else None

    @property
    def unwrapped(self) -> Command:
        """The program that finally runs, through ``sudo``, ``env X=1``, ``nice -n 5`` ..."""
        command = self
        while command.name in _WRAPPERS and command.args:
            command = _unwrap_once(command)
        return command

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def is_pip_install(self) -> bool:
        """hadolint's ``isPipInstall``: ``pip*/pip3 install`` or ``python* -m pip install``."""
        if self.name.startswith("pip") and not self.name.startswith("pipenv"):
            return "install" in self.args
        if self.name.startswith("python"):
            return _contains_run(list(self.args), ["-m", "pip", "install"])
        return False


def _unwrap_once(command: Command) -> Command:
    value_flags = _WRAPPER_VALUE_FLAGS.get(command.name, frozenset())
    args = list(command.args)
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            index += 1
            break
        if word.startswith("-") and len(word) > 1:
            needs_value = "=" not in word and word[-1] in value_flags and not word.startswith("--")
            index += 2 if needs_value else 1
            continue
        if command.name == "env" and _ASSIGNMENT.match(word):
            index += 1
            continue
        break
    rest = args[index:]
    if not rest:
        return Command(command.name)
    return Command(rest[0], tuple(rest[1:]))


def _contains_run(words: list[str], run: list[str]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


@dataclass(frozen=True)
class Script:
    """A shell script and the commands in it, in order."""

    text: str
    commands: tuple[Command, ...]
    has_pipes: bool = False

    @property
    def command_names(self) -> list[str]:
        return [c.name for c in self.commands]

    def using(self, program: str) -> bool:
        """hadolint's ``usingProgram``: some command is named ``program``."""
        return any(c.name == program for c in self.commands)

    def any(self, check: Callable[[Command], bool]) -> bool:
        return any(check(c) for c in self.commands)

    def all(self, check: Callable[[Command], bool]) -> bool:
        return all(check(c) for c in self.commands)

    def none(self, check: Callable[[Command], bool]) -> bool:
        return not self.any(check)

    def find(self, check: Callable[[Command], bool]) -> list[Command]:
        return [c for c in self.commands if check(c)]

    def index(self, check: Callable[[Command], bool]) -> int | None:
        return next((i for i, c in enumerate(self.commands) if check(c)), None)


@lru_cache(maxsize=4096)
def parse_shell(text: str) -> Script:
    """Split ``text`` into commands; never raises (unbalanced quotes end at the end of text)."""
    lexer = _Lexer(text)
    lexer.run()
    commands = tuple(_commands(lexer.tokens))
    inner_scripts = [parse_shell(inner) for inner in lexer.nested]
    nested = tuple(c for inner in inner_scripts for c in inner.commands)
    has_pipes = any(t.kind == "op" and t.text in ("|", "|&") for t in lexer.tokens)
    has_pipes = has_pipes or any(inner.has_pipes for inner in inner_scripts)
    return Script(text=text, commands=commands + nested, has_pipes=has_pipes)


@dataclass
class _Token:
    kind: str  # "word" or "op"
    text: str
    quoted: bool = False  # some part of the word was quoted
    bare_start: bool = True  # its first character was not quoted (``<<'EOF'`` still redirects)


@dataclass
class _Lexer:
    source: str
    tokens: list[_Token] = field(default_factory=list)
    nested: list[str] = field(default_factory=list)
    position: int = 0
    pending_heredocs: list[tuple[str, bool]] = field(default_factory=list)

    def run(self) -> None:
        text = self.source
        while self.position < len(text):
            char = text[self.position]
            if char == "\\" and text.startswith("\\\n", self.position):
                self.position += 2
            elif char == "\n":
                self._op("\n")
                self.position += 1
                self._skip_heredoc_bodies()
            elif char in " \t\r":
                self.position += 1
            elif char == "#":
                end = text.find("\n", self.position)
                self.position = len(text) if end < 0 else end
            elif char in ";&|()":
                self._operator()
            else:
                self._word()

    def _op(self, text: str) -> None:
        self.tokens.append(_Token("op", text))

    def _operator(self) -> None:
        text = self.source
        for op in (";;", "&&", "||", "|&", ";", "&", "|", "(", ")"):
            if text.startswith(op, self.position):
                if op == "&" and text.startswith("&>", self.position):
                    break
                self._op(op)
                self.position += len(op)
                return
        self._word()

    def _word(self) -> None:
        """Read one word; quotes removed, escapes resolved, ``$(...)`` kept and parsed later."""
        text = self.source
        out: list[str] = []
        quoted = False
        bare_start = text[self.position] not in "'\""
        while self.position < len(text):
            char = text[self.position]
            if char in " \t\r\n;|()":
                break
            if char == "&" and not text.startswith("&>", self.position) and out[-1:] != [">"]:
                break
            if char == "\\":
                if text.startswith("\\\n", self.position):
                    self.position += 2
                    continue
                out.append(text[self.position + 1 : self.position + 2])
                self.position += 2
            elif char == "'":
                end = text.find("'", self.position + 1)
                end = len(text) if end < 0 else end
                out.append(text[self.position + 1 : end])
                self.position = end + 1
                quoted = True
            elif char == '"':
                out.append(self._double_quoted())
                quoted = True
            elif char == "$" and text.startswith("$(", self.position):
                out.append(self._substitution())
            elif char == "$" and text.startswith("${", self.position):
                end = _matching(text, self.position + 1, "{", "}")
                out.append(text[self.position : end + 1])
                self.position = end + 1
            elif char == "`":
                end = text.find("`", self.position + 1)
                end = len(text) if end < 0 else end
                self.nested.append(text[self.position + 1 : end])
                out.append(text[self.position : end + 1])
                self.position = end + 1
            else:
                out.append(char)
                self.position += 1
        word = "".join(out)
        if word or quoted:
            self.tokens.append(_Token("word", word, quoted, bare_start))
            self._maybe_heredoc(word, quoted)

    def _double_quoted(self) -> str:
        text = self.source
        self.position += 1
        out: list[str] = []
        while self.position < len(text) and text[self.position] != '"':
            char = text[self.position]
            if char == "\\" and self.position + 1 < len(text):
                following = text[self.position + 1]
                if following == "\n":
                    self.position += 2
                    continue
                out.append(following if following in '"\\$`' else "\\" + following)
                self.position += 2
            elif text.startswith("$(", self.position):
                out.append(self._substitution())
            elif char == "`":
                end = text.find("`", self.position + 1)
                end = len(text) if end < 0 else end
                self.nested.append(text[self.position + 1 : end])
                out.append(text[self.position : end + 1])
                self.position = end + 1
            else:
                out.append(char)
                self.position += 1
        self.position += 1
        return "".join(out)

    def _substitution(self) -> str:
        """``$(...)`` (commands inside are parsed) or ``$((...))`` (arithmetic, no commands)."""
        text = self.source
        end = _matching(text, self.position + 1, "(", ")")
        inner = text[self.position + 2 : end]
        if not text.startswith("$((", self.position):
            self.nested.append(inner)
        word = text[self.position : end + 1]
        self.position = end + 1
        return word

    def _maybe_heredoc(self, word: str, quoted: bool) -> None:
        """After ``<<EOF`` (or ``<<`` then ``EOF``), remember to skip the body at the newline."""
        previous = self.tokens[-2].text if len(self.tokens) >= 2 else ""
        if previous in ("<<", "<<-") and self.tokens[-2].kind == "word":
            self.pending_heredocs.append((word, previous == "<<-"))
            return
        match = re.match(r"^\d*<<(-?)(.+)$", word)
        if match and not word.startswith("<<<"):
            self.pending_heredocs.append((match.group(2), match.group(1) == "-"))
        del quoted

    def _skip_heredoc_bodies(self) -> None:
        text = self.source
        for delimiter, strip_tabs in self.pending_heredocs:
            while self.position < len(text):
                end = text.find("\n", self.position)
                end = len(text) if end < 0 else end
                line = text[self.position : end]
                self.position = end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.pending_heredocs = []


def _matching(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one at ``start``, quotes respected; end of text if none."""
    depth = 0
    index = start
    quote = ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                index += 1
        elif char == "\\":
            index += 1
        elif char in "'\"":
            quote = char
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text) - 1


def _commands(tokens: Iterable[_Token]) -> Iterable[Command]:
    """Group words between operators; a group closed by an unopened ``)`` is a case pattern."""
    words: list[_Token] = []
    depth = 0
    for token in tokens:
        if token.kind != "op":
            words.append(token)
            continue
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            if depth == 0:
                words = []
                continue
            depth -= 1
        yield from _simple_commands(words)
        words = []
    yield from _simple_commands(words)


def _simple_commands(tokens: list[_Token]) -> Iterable[Command]:
    """One operator-free run of words: reserved words split it, ``for``/``case`` headers skipped."""
    words = _without_redirections(tokens)
    current: list[_Token] = []
    skipping = ""
    for token in words:
        text = token.text
        if skipping == "for":
            if not token.quoted and text == "do":
                skipping = ""
            continue
        if skipping == "case":
            if not token.quoted and text == "in":
                skipping = ""
                current = []
                break
            continue
        if not current and not token.quoted and text in ("for", "select"):
            skipping = "for"
            continue
        if not current and not token.quoted and text == "case":
            skipping = "case"
            continue
        if not token.quoted and not current and (text in _RESERVED_START or text in _RESERVED_END):
            continue
        if not current and not token.quoted and text == "esac":
            continue
        current.append(token)
    command = _to_command(current)
    if command is not None:
        yield command


def _without_redirections(tokens: list[_Token]) -> list[_Token]:
    """Drop ``> f``, ``2>&1``, ``<<EOF`` ...: redirections are not arguments (as in ShellCheck)."""
    kept: list[_Token] = []
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            continue
        match = _REDIRECT.match(token.text) if token.bare_start else None
        if match is None:
            kept.append(token)
        elif not match.group(4):
            skip_next = True
    return kept


def _to_command(tokens: list[_Token]) -> Command | None:
    index = 0
    while (
        index < len(tokens) and tokens[index].bare_start and _ASSIGNMENT.match(tokens[index].text)
    ):
        index += 1
    if index >= len(tokens):
        return None
    name = tokens[index].text
    if name.startswith("(") or name in ("[", "[[", "]]"):
        return None
    return Command(name, tuple(t.text for t in tokens[index + 1 :]))
