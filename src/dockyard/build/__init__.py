"""dockyard.build: git source -> Dockerfile (heredocs translated for old engines) -> BuildKit
build -> metadata-action tags -> push -> the registry's own digest."""

from __future__ import annotations

from dockyard.build._command import build_command
from dockyard.build._demo import DemoResult, run_demo
from dockyard.build._heredoc import Translation, needs_translation, translate_heredocs
from dockyard.build._inputs import TRANSLATION_VERSION, inputs_hash
from dockyard.build._pipeline import (
    BuildOptions,
    BuildOutcome,
    Registry,
    Reporter,
    ServedImage,
    run_build,
)
from dockyard.build._progress import LiveReporter, PlainReporter
from dockyard.build._source import Source, SourceInfo, checkout
from dockyard.build._tags import LABEL_INPUTS, TagPlan, oci_labels, plan_tags, sanitize_tag

__all__ = [
    "LABEL_INPUTS",
    "TRANSLATION_VERSION",
    "BuildOptions",
    "BuildOutcome",
    "DemoResult",
    "LiveReporter",
    "PlainReporter",
    "Registry",
    "Reporter",
    "ServedImage",
    "Source",
    "SourceInfo",
    "TagPlan",
    "Translation",
    "build_command",
    "checkout",
    "inputs_hash",
    "needs_translation",
    "oci_labels",
    "plan_tags",
    "run_build",
    "run_demo",
    "sanitize_tag",
    "translate_heredocs",
]
