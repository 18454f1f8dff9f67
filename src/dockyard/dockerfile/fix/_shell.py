"""How fixers read a RUN's shell text: through the one shell reader, :func:`read_script`, with
one rule of their own: text it cannot read whole (a quote, backtick or escape left open) makes
fixers step back rather than guess.
"""

from __future__ import annotations

from dockyard.dockerfile._shell import Command, read_script

__all__ = ["command_name", "commands", "mentions"]


def commands(text: str) -> list[Command] | None:
    """The simple commands of ``text`` in order, or None when it is not a whole script."""
    script = read_script(text)
    return None if script.unterminated else list(script.commands)


def command_name(command: Command) -> tuple[str, list[str]]:
    """The program a command finally runs (its file name) and its arguments, through
    ``sudo``/``env``."""
    program = command.unwrapped
    return program.basename, list(program.args)


def mentions(text: str, word: str) -> bool:
    """Whether ``word`` appears in ``text`` as a whole shell word or path component."""
    script = read_script(text)
    if script.unterminated:
        words = text.split()
    else:
        words = [token for command in script.commands for token in command.words]
    return any(token == word or token.rsplit("/", 1)[-1] == word for token in words)
