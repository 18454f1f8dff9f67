"""Dockerfiles: a parser that reads current syntax, lint rules, formatters.

``parse(text, path=...)`` returns a :class:`Dockerfile` whose instructions keep their exact source
spans; ``lint_sources([(path, text), ...], config=...)`` runs every rule (and ShellCheck) and
returns one :class:`FileResult` per file. Nothing here imports the rest of dockyard except
:mod:`dockyard.errors`. Rules live in :mod:`dockyard.dockerfile.rules` (imported on first lint),
report formats in :mod:`dockyard.dockerfile.formatters`. ``read_script(text)`` reads a shell script
the way hadolint does (the one shell reader rules, fixers and ``optimize`` share).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard._lazy import lazy_attributes
from dockyard.dockerfile._config import LintConfig, load_config
from dockyard.dockerfile._findings import Finding, LintContext, Severity
from dockyard.dockerfile._lint import FileResult, exit_code, lint_sources, lint_text
from dockyard.dockerfile._model import Comment, Dockerfile, Flag, Heredoc, Instruction, Stage
from dockyard.dockerfile._parser import parse
from dockyard.dockerfile._shell import Command, Script, apt_install_packages, read_script
from dockyard.dockerfile._words import expand, heredoc_only_command, split_words

if TYPE_CHECKING:
    from dockyard.dockerfile._shellcheck import find_shellcheck as find_shellcheck

# For the CLI, served on first use (PEP 562): finding ShellCheck costs nothing for callers that
# only parse.
_LAZY = {"find_shellcheck": "_shellcheck"}

__all__ = [
    "Command",
    "Comment",
    "Dockerfile",
    "FileResult",
    "Finding",
    "Flag",
    "Heredoc",
    "Instruction",
    "LintConfig",
    "LintContext",
    "Script",
    "Severity",
    "Stage",
    "apt_install_packages",
    "exit_code",
    "expand",
    "find_shellcheck",
    "heredoc_only_command",
    "lint_sources",
    "lint_text",
    "load_config",
    "parse",
    "read_script",
    "split_words",
]


__getattr__ = lazy_attributes(__name__, _LAZY)
