"""Dockerfiles: a parser that reads current syntax, lint rules, formatters.

``parse(text, path=...)`` returns a :class:`Dockerfile` whose instructions keep their exact source
spans; nothing here imports the rest of dockyard except :mod:`dockyard.errors`.
"""

from __future__ import annotations

from dockyard.dockerfile._model import Comment, Dockerfile, Flag, Heredoc, Instruction, Stage
from dockyard.dockerfile._parser import parse
from dockyard.dockerfile._words import expand, split_words

__all__ = [
    "Comment",
    "Dockerfile",
    "Flag",
    "Heredoc",
    "Instruction",
    "Stage",
    "expand",
    "parse",
    "split_words",
]
