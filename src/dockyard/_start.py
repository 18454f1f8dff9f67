"""The ``dockyard`` console script: the collector stays off while dockyard starts.

Start-up (click, the command's modules) allocates many long-lived objects and next to no cyclic
garbage, yet triggers dozens of collections; a one-file ``dockyard lint`` from an editor or a
pre-commit hook spends a tenth of its time in them. :func:`dockyard.cli.main` turns the collector
back on before a command that runs for long starts.
"""

from __future__ import annotations

import gc
from typing import NoReturn

__all__ = ["main"]


def main() -> NoReturn:
    gc.disable()
    from dockyard.cli import main as run

    run()
