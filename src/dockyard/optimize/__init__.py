"""``dockyard optimize``: the safe fixes applied, both images built, the saving proven.

report = optimize_dir(engine, context_dir=Path("app"), network_mode="host")
report.before.measurement.added_bytes, report.after.measurement.added_bytes
report.after.smoke.passed        # same exit code 0 and output, networking off
report.to_json()                 # what ``optimize --json`` prints
"""

from __future__ import annotations

from dockyard.optimize._model import Layer, Measurement, OptimizeReport, Smoke, Variant
from dockyard.optimize._proposals import Proposal, base_candidates, bind_mount, multi_stage
from dockyard.optimize._render import render_markdown, render_text
from dockyard.optimize._run import optimize_dir, parse_base_map, tag_name

__all__ = [
    "Layer",
    "Measurement",
    "OptimizeReport",
    "Proposal",
    "Smoke",
    "Variant",
    "base_candidates",
    "bind_mount",
    "multi_stage",
    "optimize_dir",
    "parse_base_map",
    "render_markdown",
    "render_text",
    "tag_name",
]
