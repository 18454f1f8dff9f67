"""dockyard.build: git source -> Dockerfile (heredocs translated for old engines) -> BuildKit
build -> metadata-action tags -> push -> the registry's own digest.

Names are imported on first use (PEP 562): ``dockyard build`` on an unchanged commit needs the
pipeline and the registry, not the Dockerfile parser, the heredoc translator or the demo, and
every module skipped is start-up time saved on each call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard._lazy import lazy_attributes

if TYPE_CHECKING:
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
        push_built,
        run_build,
    )
    from dockyard.build._progress import LiveReporter, PlainReporter
    from dockyard.build._registry import BuildRegistry, open_registry
    from dockyard.build._secrets import SecretSpec, parse_secret, read_secrets
    from dockyard.build._source import Source, SourceInfo, changed_files, checkout, resolve
    from dockyard.build._tags import LABEL_INPUTS, TagPlan, oci_labels, plan_tags, sanitize_tag

_HOME = {
    "build_command": "_command",
    "DemoResult": "_demo",
    "run_demo": "_demo",
    "Translation": "_heredoc",
    "needs_translation": "_heredoc",
    "translate_heredocs": "_heredoc",
    "TRANSLATION_VERSION": "_inputs",
    "inputs_hash": "_inputs",
    "BuildOptions": "_pipeline",
    "BuildOutcome": "_pipeline",
    "Registry": "_pipeline",
    "Reporter": "_pipeline",
    "ServedImage": "_pipeline",
    "push_built": "_pipeline",
    "run_build": "_pipeline",
    "BuildRegistry": "_registry",
    "open_registry": "_registry",
    "LiveReporter": "_progress",
    "PlainReporter": "_progress",
    "SecretSpec": "_secrets",
    "parse_secret": "_secrets",
    "read_secrets": "_secrets",
    "Source": "_source",
    "SourceInfo": "_source",
    "changed_files": "_source",
    "checkout": "_source",
    "resolve": "_source",
    "LABEL_INPUTS": "_tags",
    "TagPlan": "_tags",
    "oci_labels": "_tags",
    "plan_tags": "_tags",
    "sanitize_tag": "_tags",
}

__all__ = [
    "LABEL_INPUTS",
    "TRANSLATION_VERSION",
    "BuildOptions",
    "BuildOutcome",
    "BuildRegistry",
    "DemoResult",
    "LiveReporter",
    "PlainReporter",
    "Registry",
    "Reporter",
    "SecretSpec",
    "ServedImage",
    "Source",
    "SourceInfo",
    "TagPlan",
    "Translation",
    "build_command",
    "changed_files",
    "checkout",
    "inputs_hash",
    "needs_translation",
    "oci_labels",
    "open_registry",
    "parse_secret",
    "plan_tags",
    "push_built",
    "read_secrets",
    "resolve",
    "run_build",
    "run_demo",
    "sanitize_tag",
    "translate_heredocs",
]


__getattr__ = lazy_attributes(__name__, _HOME)


def __dir__() -> list[str]:
    return sorted(__all__)
