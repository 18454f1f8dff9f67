"""dockyard: from ``git push`` to a small, non-root, up-to-date running container.

The public Python surface is deliberately small; the CLI (``dockyard ...``) is the main interface.
"""

from __future__ import annotations

from dockyard.errors import DockyardError

__all__ = ["DockyardError", "__version__"]
__version__ = "0.1.0"
