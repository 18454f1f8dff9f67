"""Just enough shell reading for fixers: commands of a RUN, the words of each, apt's packages.

Splitting is done with :mod:`shlex` (POSIX rules, operators as punctuation); text it cannot split
(unbalanced quotes) makes fixers step back rather than guess.
"""

from __future__ import annotations

import shlex

__all__ = [
    "OPERATORS",
    "apt_install_packages",
    "command_name",
    "commands",
    "mentions",
    "tokens",
]

OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"})


def tokens(text: str) -> list[str] | None:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return None


def commands(text: str) -> list[list[str]] | None:
    """The simple commands of ``text`` (split at ``&&``, ``||``, ``;``, ``|``, ``&``)."""
    words = tokens(text)
    if words is None:
        return None
    found: list[list[str]] = [[]]
    for word in words:
        if word in OPERATORS:
            found.append([])
        else:
            found[-1].append(word)
    return [command for command in found if command]


def command_name(command: list[str]) -> tuple[str, list[str]]:
    """The program a command runs and its arguments, past ``VAR=x`` prefixes and ``sudo``."""
    rest = list(command)
    while rest and (("=" in rest[0] and not rest[0].startswith("-")) or rest[0] in ("sudo", "env")):
        rest.pop(0)
    if not rest:
        return "", []
    return rest[0].rsplit("/", 1)[-1], rest[1:]


def apt_install_packages(command: list[str]) -> list[str] | None:
    """Packages of an ``apt-get install`` / ``apt install`` command, else None."""
    name, args = command_name(command)
    if name not in ("apt-get", "apt"):
        return None
    words = [arg for arg in args if not arg.startswith("-")]
    if not words or words[0] != "install":
        return None
    return words[1:]


def mentions(text: str, word: str) -> bool:
    """Whether ``word`` appears in ``text`` as a whole shell word or path component."""
    for token in tokens(text) or text.split():
        if token == word or token.rsplit("/", 1)[-1] == word:
            return True
    return False
