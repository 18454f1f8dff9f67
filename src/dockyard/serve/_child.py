"""``python -m dockyard.serve._child``: one pipeline run for ``dockyard serve`` (see _runner)."""

from __future__ import annotations

import sys

from dockyard.serve._runner import child_main

if __name__ == "__main__":
    sys.exit(child_main())
