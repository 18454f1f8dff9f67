"""The ``dockyard`` console script: the collector stays off while dockyard starts.

Start-up (click, the command's modules) allocates many long-lived objects and next to no cyclic
garbage, yet triggers dozens of collections; a one-file ``dockyard lint`` from an editor or a
pre-commit hook spends a tenth of its time in them. :func:`dockyard.cli.main` turns the collector
back on before a command that runs for long starts. A plain ``dockyard lint`` does not import
click at all (see ``dockyard.cli._lint_run``).
"""

from __future__ import annotations

import gc
import sys
from typing import NoReturn

__all__ = ["main"]


def main() -> NoReturn:
    gc.disable()
    if sys.argv[1:2] == ["lint"]:
        # A plain ``dockyard lint [OPTIONS] FILE...`` (an editor, a pre-commit hook) runs
        # without importing click; anything else it cannot read goes through click below.
        from dockyard.cli import run_fast

        code = run_fast(sys.argv[2:])
        if code is not None:
            sys.exit(code)
    from dockyard.cli import main as run

    run()
