"""The one reader of RUN shell scripts: the commands in them, as hadolint sees them.

hadolint hands every RUN script to ShellCheck's parser and looks at each *simple command* in the
syntax tree: commands chained with ``&&``/``||``/``;``/``|``, inside subshells, ``if``/``for``/
``while`` bodies and ``$(...)``/backtick substitutions. A command's name is its first word when
that word is a literal (``$CMD args`` has no name and is not a command); ``busybox``, ``builtin``,
``command`` and ``exec`` name the program they run. Arguments keep every word after the first,
quotes removed, parameters written ``${name}``, redirections left out. Flags are read from those
words the way hadolint reads them (``-abc`` is three flags, ``--name=value`` is ``name``; ``-``
and ``--`` are not flags). Keywords and assignments are skipped, heredoc bodies inside the script
are data, not commands; where ShellCheck stops on a syntax error, only the statements completed
before it are kept.

Every user reads scripts through :func:`read_script`: the DL rules (through
``rules._base.run_script``, hadolint's choice of text), the DY rules (through
``rules._base.shell_of``), the fixers and ``optimize``. ``sudo``/``env`` prefixes are *not* seen
through by the name (hadolint's view); :attr:`Command.unwrapped` looks through them for rules
that care about the program that finally runs. A :class:`Script` also tells what a fixer must know
before it rewrites text (operators, bare assignments, comments, an open quote), and
:func:`plain_words` is the lexer alone, for a line that is nothing but words.

Why a hand tokenizer and not ``bashlex``: bashlex is GPL-3.0 (dockyard is MIT), it raises on
constructs real Dockerfiles use every day (``case``, ``$(( ))``, here-documents, ``[[ ]]``,
arrays), and rules need only "which programs run with which words", never a full AST.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Command", "Script", "apt_install_packages", "plain_words", "read_script"]

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_]")
_SPECIAL_PARAMS = "@*#?$!-0123456789"
_PREFIX_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{"})
_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")")
_BINARY = frozenset({"&&", "||", "|", "|&"})
_FUNCTION_PARENS = re.compile(r"\(\s*\)")
_CLOSING_KEYWORDS = frozenset({"fi", "done", "}", "esac"})
_REDIRECTION = re.compile(r"(\d*|&)(<<<|<<-|<<|>>|<>|>&|<&|>\||>|<)")
# Words ShellCheck names by their argument: ``busybox wget`` is the command wget.
_WRAPPERS = frozenset({"busybox", "builtin", "command", "run"})
# What ``Command.unwrapped`` looks through, and which of their flags take a value.
_PREFIXES = frozenset(
    {"sudo", "env", "nice", "nohup", "time", "exec", "command", "builtin", "xargs"}
)
_PREFIX_VALUE_FLAGS = {
    "sudo": frozenset({"u", "g", "h", "p", "C", "D", "r", "t", "T", "U"}),
    "env": frozenset({"u", "C", "S"}),
    "nice": frozenset({"n"}),
    "xargs": frozenset({"a", "d", "E", "e", "I", "i", "L", "l", "n", "P", "s"}),
}


def _flags_of(args: Iterable[str]) -> tuple[tuple[str, int], ...]:
    positions: list[tuple[str, int]] = []
    for index, arg in enumerate(args):
        if arg in ("-", "--") or not arg.startswith("-"):
            continue
        if arg.startswith("--"):
            positions.append((arg[2:].split("=", 1)[0], index))
        else:
            positions.extend((char, index) for char in arg[1:])
    return tuple(positions)


def _bare(flag: str) -> str:
    return flag.lstrip("-")


@dataclass(frozen=True)
class Command:
    """One simple command: its program name, every word after it, and the flags among them.

    ``wrapper`` is the word that ran the program when the name was taken from its argument
    (``exec gosu app``: name ``gosu``, args ``gosu app``, wrapper ``exec``), as ShellCheck names it.
    """

    name: str
    args: tuple[str, ...] = ()
    wrapper: str = ""
    flag_positions: tuple[tuple[str, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flag_positions", _flags_of(self.args))

    @property
    def flags(self) -> tuple[str, ...]:
        """Every flag name, hadolint-style: ``-xy`` -> ``x``, ``y``; ``--a=b`` -> ``a``."""
        return tuple(flag for flag, _ in self.flag_positions)

    def has_args(self, name: str | Iterable[str], *wanted: str) -> bool:
        """Whether this is ``name`` (or one of several names) with one of ``wanted`` among its
        words: hadolint's ``cmdHasArgs``, which does not care where the word is."""
        names = {name} if isinstance(name, str) else set(name)
        return self.name in names and any(arg in wanted for arg in self.args)

    def has_prefix_arg(self, name: str, prefix: str) -> bool:
        return self.name == name and any(arg.startswith(prefix) for arg in self.args)

    def has_flag(self, *flags: str) -> bool:
        """Whether any of ``flags`` (``"y"``, ``"-y"`` or ``"--yes"`` alike) is among the flags."""
        wanted = {_bare(flag) for flag in flags}
        return any(flag in wanted for flag in self.flags)

    def count_flag(self, flag: str) -> int:
        return self.flags.count(_bare(flag))

    def has_arg(self, *values: str) -> bool:
        return any(arg in values for arg in self.args)

    def _flag_indexes(self) -> set[int]:
        return {index for _, index in self.flag_positions}

    def args_no_flags(self, *, drop_values_of: Iterable[str] = ()) -> list[str]:
        """Words that are not flags (``-`` and ``--`` included); with ``drop_values_of``, also
        the word after each of those flags when it was written ``-f value`` (not ``--f=value``)."""
        flagged = self._flag_indexes()
        dropped = self._value_indexes({_bare(f) for f in drop_values_of})
        return [
            arg
            for index, arg in enumerate(self.args)
            if index not in flagged and index not in dropped
        ]

    def flag_values(self, flag: str) -> list[str]:
        """The words that follow ``-flag``: ``useradd -u 1000`` gives ``["1000"]`` for ``u``
        (hadolint's ``getFlagArg``)."""
        return [self.args[i] for i in sorted(self._value_indexes({_bare(flag)}, inline_too=True))]

    def _value_indexes(self, flags: set[str], *, inline_too: bool = False) -> set[int]:
        indexes: set[int] = set()
        for flag, index in self.flag_positions:
            value_follows = index + 1 < len(self.args)
            if flag in flags and value_follows and (inline_too or "=" not in self.args[index]):
                indexes.add(index + 1)
        return indexes

    @property
    def words(self) -> tuple[str, ...]:
        """The command as written, assignments and redirections left out: ``exec gosu app``."""
        return (self.wrapper or self.name, *self.args)

    @property
    def subcommand(self) -> str | None:
        """The first word that is not a flag (``install`` in ``apt-get -y install x``)."""
        words = self.args_no_flags()
        return words[0] if words else None

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def unwrapped(self) -> Command:
        """The program that finally runs, through ``sudo``, ``env X=1``, ``nice -n 5``, ``exec``."""
        command = self
        if self.wrapper in _PREFIXES:
            command = Command(self.wrapper, self.args)
        elif self.wrapper:
            command = Command(self.name, self.args[1:])
        while command.name in _PREFIXES and command.args:
            command = _unwrap_once(command)
        return command

    @property
    def is_pip_install(self) -> bool:
        """hadolint's ``isPipInstall``: ``pip*/pip3 install`` or ``python* -m pip install``."""
        if self.name.startswith("pip") and not self.name.startswith("pipenv"):
            return "install" in self.args
        if self.name.startswith("python"):
            return _contains_run(list(self.args), ["-m", "pip", "install"])
        return False


def _unwrap_once(command: Command) -> Command:
    value_flags = _PREFIX_VALUE_FLAGS.get(command.name, frozenset())
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


def apt_install_packages(command: Command) -> list[str] | None:
    """The words after ``install`` of an ``apt-get``/``apt`` install (through ``sudo``/``env``),
    flags left out; None for any other command."""
    program = command.unwrapped
    if program.basename not in ("apt-get", "apt"):
        return None
    words = [arg for arg in program.args if not arg.startswith("-")]
    if not words or words[0] != "install":
        return None
    return words[1:]


def _contains_run(words: list[str], run: list[str]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


@dataclass(frozen=True)
class Script:
    """A RUN script read once: its text, its commands in order, whether it has a pipe.

    The other facts are what a fixer must know before it rewrites or joins the text: the control
    operators as written (those inside substitutions too), whether a statement only sets
    variables (shell state a later part may rely on), whether there is a ``#`` comment, whether a
    quote, backtick or escape is left open at the end (the text is not a whole script), and
    whether it ends with a background ``&``.
    """

    text: str
    commands: tuple[Command, ...]
    has_pipes: bool = False
    operators: tuple[str, ...] = ()
    sets_variables: bool = False
    has_comment: bool = False
    unterminated: bool = False
    ends_in_background: bool = False

    @property
    def names(self) -> list[str]:
        return [command.name for command in self.commands]

    def uses(self, program: str) -> bool:
        """hadolint's ``usingProgram``: some command is named ``program``."""
        return program in self.names

    def any(self, predicate: Callable[[Command], bool]) -> bool:
        return any(predicate(command) for command in self.commands)

    def none(self, predicate: Callable[[Command], bool]) -> bool:
        return not self.any(predicate)

    def index(self, predicate: Callable[[Command], bool]) -> int | None:
        return next((i for i, c in enumerate(self.commands) if predicate(c)), None)


@lru_cache(maxsize=4096)
def read_script(text: str) -> Script:
    """Read ``text`` as a POSIX shell script (hadolint's view: bash grammar, no execution)."""
    reader = _Reader(text)
    reader.run()
    return Script(
        text=text,
        commands=tuple(reader.commands),
        has_pipes=reader.pipes,
        operators=tuple(reader.operators),
        sets_variables=reader.sets_variables,
        has_comment=reader.has_comment,
        unterminated=reader.unterminated,
        ends_in_background=reader.last_operator == "&",
    )


def plain_words(text: str) -> list[str] | None:
    """The words of a command line that is nothing but words, quotes removed (``a 'b c'`` ->
    ``a``, ``b c``); None when it has an operator, a redirection or a comment, or leaves a quote
    open. Keywords and assignments are kept as words: this is the lexer alone, for a fixer that
    rewrites such a line into another form."""
    reader = _Reader(text)
    words: list[str] = []
    while reader.pos < len(text):
        char = text[reader.pos]
        if char in " \t\r\n":
            reader.pos += 1
        elif char in ";&|()<>#":
            return None
        else:
            words.append(reader.read_word().text)
    return None if reader.unterminated else words


@dataclass
class _Word:
    text: str = ""
    literal: bool = True
    started: bool = False
    assignment: bool | None = None  # starts with an unquoted NAME= (None: not decided yet)

    def plain(self, char: str) -> None:
        if self.assignment is None and char == "=":
            self.assignment = bool(_ASSIGNMENT.match(self.text + char))
        elif self.assignment is None and not (_NAME_CHARS.match(char) or char in "+[]"):
            self.assignment = False
        self.text += char

    def quoted(self) -> None:
        if self.assignment is None:
            self.assignment = False


@dataclass
class _Pending:
    words: list[_Word] = field(default_factory=list)
    inner: list[Command] = field(default_factory=list)


class _Reader:
    """A small hand-written lexer: words, quotes, expansions, operators, redirections."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.commands: list[Command] = []
        self.pipes = False
        self.last_operator: str | None = "\n"  # None once a word follows
        # Commands and pipes of the statements completed so far: where ShellCheck stops on a
        # syntax error, hadolint keeps exactly those.
        self.complete: tuple[int, bool] = (0, False)
        self.depth = 0  # open compound commands: ( ), { }, if/fi, for|while|until/done, case
        self.current = _Pending()
        self.heredocs: list[tuple[str, bool]] = []
        self.case_patterns = False  # inside "case ... in": the words before ")" are a pattern
        self.operators: list[str] = []
        self.sets_variables = False
        self.has_comment = False
        self.unterminated = False

    # -- driver --------------------------------------------------------------------------------
    def run(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self.pos += 1
                self.end_command()
                self.last_operator = self.last_operator or "\n"
                self.read_heredoc_bodies()
            elif char in " \t\r":
                self.pos += 1
            elif char == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
            elif char == "#":
                self.skip_comment()
            elif self.operator() or self.redirection():
                continue
            else:
                self.word()
        self.end_command()

    def skip_comment(self) -> None:
        self.has_comment = True
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end == -1 else end

    def operator(self) -> bool:
        op = next((o for o in _OPERATORS if self.text.startswith(o, self.pos)), None)
        if op is None or (op == "&" and self.text.startswith("&>", self.pos)):
            return False
        if op == "(" and self.not_a_subshell():
            return True
        self.pos += len(op)
        self.operators.append(op)
        if op == "|" and self.in_case_pattern():
            return True  # "a|b)": alternatives of one case pattern, not a pipe
        if self.syntax_error(op):
            self.stop_at_error()
            return True
        self.last_operator = None if op == ")" else op
        self.pipes = self.pipes or op in ("|", "|&")
        self.end_command(op)
        return True

    def not_a_subshell(self) -> bool:
        """``(( i++ ))``, ``name=(a b)``, ``name() {...}``: parentheses that open no subshell."""
        if self.text.startswith("((", self.pos) and not self.current.words:
            self.skip_past("))")
            self.last_operator = None  # "(( i++ ))" is a command
            return True
        if self.array_assignment():
            return True
        definition = _FUNCTION_PARENS.match(self.text, self.pos)
        if definition and len(self.current.words) == 1:
            self.pos = definition.end()
            self.current = _Pending()  # "name() { ...; }" defines name, does not run it
            return True
        return False

    def in_case_pattern(self) -> bool:
        in_patterns = self.case_patterns and self.first_word() != "esac"
        return in_patterns or self.first_word() == "case"

    def stop_at_error(self) -> None:
        """Where ShellCheck stops, hadolint keeps the statements completed before the error."""
        self.commands = self.commands[: self.complete[0]]
        self.pipes = self.complete[1]
        self.current = _Pending()
        self.pos = len(self.text)

    def syntax_error(self, op: str) -> bool:
        """An operator with no command on its left (``a & && b``, ``a && && b``, ``a; ; b``)."""
        if self.current.words or self.last_operator is None:
            return False
        return op in _BINARY or (op == ";" and self.last_operator != "&")

    def array_assignment(self) -> bool:
        """``name=(a b c)``: the parenthesised list is the value, not a subshell."""
        words = self.current.words
        if not (words and words[-1].assignment and words[-1].text.endswith("=")):
            return False
        if self.pos == 0 or self.text[self.pos - 1] != "=":
            return False
        end = self.matching(self.pos)
        words[-1].text += self.text[self.pos : end + 1]
        self.pos = end + 1
        return True

    def first_word(self) -> str:
        return _first_word(self.current.words)

    def skip_past(self, closing: str) -> None:
        end = self.text.find(closing, self.pos + 2)
        self.pos = len(self.text) if end == -1 else end + len(closing)

    def redirection(self) -> bool:
        match = _REDIRECTION.match(self.text, self.pos)
        if not match:
            return False
        self.pos = match.end()
        self.last_operator = None  # "> file" alone is a (redirection-only) command
        operator = match.group(2)
        self.skip_blanks()
        target = self.read_word()
        if operator in ("<<", "<<-"):
            self.heredocs.append((target.text, operator == "<<-"))
        return True

    def skip_blanks(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def read_heredoc_bodies(self) -> None:
        for delimiter, strip_tabs in self.heredocs:
            while self.pos < len(self.text):
                end = self.text.find("\n", self.pos)
                line = self.text[self.pos : len(self.text) if end == -1 else end]
                self.pos = len(self.text) if end == -1 else end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.heredocs = []

    # -- words ---------------------------------------------------------------------------------
    def word(self) -> None:
        word = self.read_word()
        if word.started:
            self.current.words.append(word)
            self.last_operator = None

    def read_word(self) -> _Word:
        word = _Word()
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\n;&|()<>":
                if char in "<>" and text.startswith("(", self.pos + 1):
                    self.process_substitution(word)
                    continue
                break
            word.started = True
            if char not in "\\'\"$`":
                word.plain(char)
                self.pos += 1
                continue
            word.quoted()
            if char == "\\":
                self.pos += 2
                self.unterminated = self.unterminated or self.pos > len(text)
                if text[self.pos - 1 : self.pos] != "\n":
                    word.text += text[self.pos - 1 : self.pos]
            elif char == "'":
                word.text += self.single_quoted()
            elif char == '"':
                self.double_quoted(word)
            elif char == "$":
                self.dollar(word)
            else:
                self.backticks(word)
        return word

    def single_quoted(self) -> str:
        end = self.text.find("'", self.pos + 1)
        self.unterminated = self.unterminated or end == -1
        end = len(self.text) if end == -1 else end
        content = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return content

    def double_quoted(self, word: _Word) -> None:
        self.pos += 1
        text = self.text
        while self.pos < len(text) and text[self.pos] != '"':
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                following = text[self.pos + 1]
                if following == "\n":
                    pass
                elif following in '$`"\\':
                    word.text += following
                else:
                    word.text += char + following
                self.pos += 2
            elif char == "$":
                self.dollar(word)
            elif char == "`":
                self.backticks(word)
            else:
                word.text += char
                self.pos += 1
        self.unterminated = self.unterminated or self.pos >= len(text)
        self.pos += 1

    def dollar(self, word: _Word) -> None:
        text, pos = self.text, self.pos
        if text.startswith("$((", pos):
            self.pos = self.matching(pos + 1) + 1
            word.text += "${VAR}"
            word.literal = False
        elif text.startswith("$(", pos):
            end = self.matching(pos + 1)
            inner = text[pos + 2 : end]
            self.pipes = self.substituted(inner).has_pipes or self.pipes
            self.pos = end + 1
            word.text += "${" + "".join(inner.split()) + "}"
            word.literal = False
        elif text.startswith("${", pos):
            end = self.matching_brace(pos + 1)
            word.text += text[pos : end + 1]
            self.pos = end + 1
            word.literal = False
        elif text.startswith("$'", pos):
            self.pos += 1
            word.text += self.single_quoted()
        elif pos + 1 < len(text) and (
            _NAME_CHARS.match(text[pos + 1]) or text[pos + 1] in _SPECIAL_PARAMS
        ):
            end = pos + 2
            if not text[pos + 1].isdigit() and text[pos + 1] not in _SPECIAL_PARAMS:
                while end < len(text) and _NAME_CHARS.match(text[end]):
                    end += 1
            word.text += "${" + text[pos + 1 : end] + "}"
            word.literal = False
            self.pos = end
        else:
            word.text += "$"
            self.pos += 1

    def backticks(self, word: _Word) -> None:
        end = self.text.find("`", self.pos + 1)
        self.unterminated = self.unterminated or end == -1
        end = len(self.text) if end == -1 else end
        inner = self.text[self.pos + 1 : end]
        self.substituted(inner)
        self.pos = end + 1
        word.text += "${VAR}"
        word.literal = False

    def process_substitution(self, word: _Word) -> None:
        end = self.matching(self.pos + 1)
        self.substituted(self.text[self.pos + 2 : end])
        self.pos = end + 1
        word.started = True
        word.literal = False

    def substituted(self, inner: str) -> Script:
        """Read a substitution's script: its commands run too, its syntax is this script's."""
        script = read_script(inner)
        self.current.inner.extend(script.commands)
        self.operators.extend(script.operators)
        self.sets_variables = self.sets_variables or script.sets_variables
        self.has_comment = self.has_comment or script.has_comment
        self.unterminated = self.unterminated or script.unterminated
        return script

    def matching(self, open_at: int) -> int:
        """Index of the ``)`` closing the ``(`` at ``open_at``, past quotes and nesting."""
        depth, pos, text = 0, open_at, self.text
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "'":
                end = text.find("'", pos + 1)
                pos = len(text) if end == -1 else end + 1
                continue
            if char == '"':
                pos = self.closing_double_quote(pos)
                continue
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return pos
            pos += 1
        return len(text)

    def closing_double_quote(self, pos: int) -> int:
        text = self.text
        pos += 1
        while pos < len(text) and text[pos] != '"':
            if text[pos] == "\\":
                pos += 1
            elif text.startswith("$(", pos):
                pos = self.matching(pos + 1)
            pos += 1
        return pos + 1

    def matching_brace(self, open_at: int) -> int:
        depth, pos, text = 0, open_at, self.text
        while pos < len(text):
            if text[pos] == "{":
                depth += 1
            elif text[pos] == "}":
                depth -= 1
                if depth == 0:
                    return pos
            pos += 1
        return len(text) - 1

    # -- commands ------------------------------------------------------------------------------
    def end_command(self, operator: str = "\n") -> None:
        pending, self.current = self.current, _Pending()
        timed = [w for w in pending.words if not (w.literal and w.text in _PREFIX_KEYWORDS)]
        if timed and timed[0].literal and timed[0].text == "time" and len(timed) > 1:
            # ShellCheck's tree holds "time cmd" as the command cmd plus one more: count both.
            self.commands.append(Command(name="time"))
            pending.words = [w for w in pending.words if w is not timed[0]]
        first = _first_word(pending.words)
        self.depth += _nesting(pending.words)
        if first == "case":  # "case WORD in" (and maybe the first pattern): no command
            self.case_patterns = operator != ")"
        elif first == "esac" or (self.case_patterns and operator == ")"):
            self.case_patterns = False  # "esac", or the end of a pattern such as "x86_64)"
        else:
            self.depth += {"(": 1, ")": -1}.get(operator, 0)
            command = _command(pending.words)
            if command is not None:
                self.commands.append(command)
            elif _only_assignments(pending.words):
                self.sets_variables = True
            if operator == ";;":
                self.case_patterns = True
        self.commands.extend(pending.inner)
        ends_statement = operator in (";", "&", ";;", ")") or (
            operator == "\n" and self.last_operator not in _BINARY
        )
        if ends_statement and self.depth <= 0:
            self.complete = (len(self.commands), self.pipes)


def _first_word(words: list[_Word]) -> str:
    """The first word after keywords such as ``then``/``do``, if it is a literal."""
    for word in words:
        if not word.literal:
            return ""
        if word.text not in _PREFIX_KEYWORDS:
            return word.text
    return ""


_OPENERS = frozenset({"if", "for", "while", "until", "select", "case", "{"})
_CLOSERS = frozenset({"fi", "done", "esac", "}"})


def _nesting(words: list[_Word]) -> int:
    """How many compound commands the keywords leading ``words`` open (+) or close (-)."""
    change = 0
    for word in words:
        if not word.literal or word.text not in _PREFIX_KEYWORDS | _CLOSING_KEYWORDS | _OPENERS:
            break
        change += (word.text in _OPENERS) - (word.text in _CLOSERS)
        if word.text in ("for", "select", "case"):
            break
    return change


def _only_assignments(words: list[_Word]) -> bool:
    keywords = _PREFIX_KEYWORDS | _CLOSING_KEYWORDS
    rest = [word for word in words if not (word.literal and word.text in keywords)]
    return bool(rest) and all(word.assignment for word in rest)


def _command(words: list[_Word]) -> Command | None:
    rest = list(words)
    while rest and rest[0].literal and rest[0].text in _PREFIX_KEYWORDS | _CLOSING_KEYWORDS:
        rest.pop(0)
    if (
        rest
        and rest[0].literal
        and rest[0].text in ("for", "select", "case", "[", "[[", "function")
    ):
        return None
    while rest and rest[0].assignment:
        rest.pop(0)
    if not rest or not rest[0].literal:
        return None
    name = rest[0].text
    args = tuple(word.text for word in rest[1:])
    program = _effective_name(name, rest[1:])
    if program is None:
        return Command(name=name, args=args)
    return Command(name=program, args=args, wrapper=name)


def _effective_name(name: str, args: list[_Word]) -> str | None:
    """``busybox wget`` runs wget, ``exec gosu`` runs gosu (as ShellCheck names them)."""
    if name in _WRAPPERS:
        if args and not args[0].text.startswith("-") and args[0].literal:
            return args[0].text
        return None
    if name == "exec":
        index = 0
        while index < len(args) and args[index].text.startswith("-"):
            index += 2 if args[index].text == "-a" else 1
        if index < len(args) and args[index].literal:
            return args[index].text
    return None
