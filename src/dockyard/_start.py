"""The ``dockyard`` console script: the collector stays off while dockyard starts.

Start-up (click, the command's modules) allocates many long-lived objects and next to no cyclic
garbage, yet triggers dozens of collections; a one-file ``dockyard lint`` from an editor or a
pre-commit hook spends a tenth of its time in them. :func:`dockyard.cli.main` turns the collector
back on before a command that runs for long starts. A plain ``dockyard lint`` does not import
click at all (see ``dockyard.cli._lint_run``), nor, while ``dockyard._lint_server`` answers it,
typing or the rules.
"""

from __future__ import annotations

import gc
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = ["main"]


def main() -> NoReturn:
    gc.disable()
    args = sys.argv[1:]
    if args[:1] == ["lint"]:
        _lint(args[1:])
    from dockyard.cli import main as run

    run()


def _lint(args: list[str]) -> None:
    """A plain ``dockyard lint [OPTIONS] FILE...`` (an editor, a pre-commit hook) runs without
    importing click; with ``--server``, a resident process answers it when one runs. What
    neither can read returns, for click."""
    import os

    from dockyard._lint_server import ask, spawn, wants_server

    server = wants_server(args)
    if server:
        code = ask(args, environ=os.environ)
        if code is not None:
            sys.exit(code)
    from dockyard.cli import run_fast

    code = run_fast(args)
    if code is None:
        return
    if server:
        spawn(os.environ)  # for the next call
    sys.exit(code)
