"""The ``dockyard`` command line: one thin module per command, imported only when it runs.

Each command module exposes a click command named ``command``; it parses options, calls into
``build``/``update``/``image``/``dockerfile``, and renders results. Expected failures are
:class:`dockyard.errors.DockyardError`; :func:`main` turns each into one line on stderr and its
documented exit code. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard._lazy import lazy_attributes

if TYPE_CHECKING:
    from dockyard.cli._lint_run import run_fast as run_fast
    from dockyard.cli._main import COMMANDS as COMMANDS
    from dockyard.cli._main import LazyGroup as LazyGroup
    from dockyard.cli._main import cli as cli
    from dockyard.cli._main import main as main

# Served on first use (PEP 562): the package imports no click, so that the click-free modules
# in it (a plain ``dockyard lint``, see ``_lint_run``) start without it.
_LAZY = {
    "COMMANDS": "_main",
    "LazyGroup": "_main",
    "cli": "_main",
    "main": "_main",
    "run_fast": "_lint_run",
}

__all__ = ["COMMANDS", "LazyGroup", "cli", "main", "run_fast"]

__getattr__ = lazy_attributes(__name__, _LAZY)
