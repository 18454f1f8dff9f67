"""The curated ``__all__`` of optimize and of the fixers is the API others build on: guard it."""

from __future__ import annotations

import dockyard.dockerfile.fix as fix
import dockyard.optimize as optimize


def test_optimize_api() -> None:
    assert set(optimize.__all__) == {
        "Layer", "Measurement", "OptimizeReport", "Proposal", "Smoke", "Variant",
        "base_candidates", "bind_mount", "multi_stage", "optimize_dir", "parse_base_map",
        "render_markdown", "render_text", "tag_name",
    }  # fmt: skip
    assert all(hasattr(optimize, name) for name in optimize.__all__)


def test_fix_api() -> None:
    assert set(fix.__all__) == {
        "Doc", "Edit", "Fix", "FixResult", "Fixer", "Flags", "Outcome", "Resolver", "Unfixed",
        "default_fixers", "fix_text", "lint_flags", "read_doc", "source_lines",
    }  # fmt: skip
    assert all(hasattr(fix, name) for name in fix.__all__)
