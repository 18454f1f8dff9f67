"""Automatic fixes of Dockerfiles: text in, text out, only the lines they change touched.

    result = fix_text(Path("Dockerfile").read_text())
    result.text       # the fixed Dockerfile (comments and untouched lines as they were)
    result.fixes      # what was changed, each with the rule id it answers (DL3009, DY001, ...)
    result.unfixed    # what a fixer found but would not change safely, with the reason

Every fixer is idempotent and its output parses; ``fix_text`` runs them to a fixed point, and
changes only what the lint rules report (``flags``: the user's config and pragmas count).
"""

from __future__ import annotations

from dockyard.dockerfile.fix._apply import FixResult, default_fixers, fix_text
from dockyard.dockerfile.fix._findings import Flags, lint_flags
from dockyard.dockerfile.fix._model import Edit, Fix, Fixer, Outcome, Unfixed
from dockyard.dockerfile.fix._pin import Resolver
from dockyard.dockerfile.fix._view import Doc, read_doc, source_lines

__all__ = [
    "Doc",
    "Edit",
    "Fix",
    "FixResult",
    "Fixer",
    "Flags",
    "Outcome",
    "Resolver",
    "Unfixed",
    "default_fixers",
    "fix_text",
    "lint_flags",
    "read_doc",
    "source_lines",
]
