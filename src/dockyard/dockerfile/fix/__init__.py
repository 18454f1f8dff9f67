"""Automatic fixes of Dockerfiles: text in, text out, only the lines they change touched.

    result = fix_text(Path("Dockerfile").read_text())
    result.text       # the fixed Dockerfile (comments and untouched lines as they were)
    result.fixes      # what was changed, each with the rule id it answers (DL3009, DY001, ...)
    result.unfixed    # what a fixer found but would not change safely, with the reason

Every fixer is idempotent and its output parses; ``fix_text`` runs them to a fixed point.
"""

from __future__ import annotations

from dockyard.dockerfile.fix._apply import FixResult, default_fixers, fix_text
from dockyard.dockerfile.fix._model import Edit, Fix, Fixer, Outcome, Unfixed
from dockyard.dockerfile.fix._pin import Resolver
from dockyard.dockerfile.fix._view import Doc, read_doc

__all__ = [
    "Doc",
    "Edit",
    "Fix",
    "FixResult",
    "Fixer",
    "Outcome",
    "Resolver",
    "Unfixed",
    "default_fixers",
    "fix_text",
    "read_doc",
]
