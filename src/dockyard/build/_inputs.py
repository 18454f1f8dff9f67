"""The inputs hash: what decides whether a build would produce the same image again.

Stored as the label ``dockyard.build.inputs`` on the image, so a later run can ask the registry
(or the engine) whether this exact build already exists and skip it. The hash covers what dockyard
controls: the commit, where the Dockerfile and context are in it, the build args, the platform and
the version of dockyard's Dockerfile translation (heredocs). It does not cover base images that
moved under the same tag: ``--force`` rebuilds for that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

__all__ = ["TRANSLATION_VERSION", "inputs_hash"]

# Bump when the Dockerfile sent to the engine could change for the same input (heredoc translation).
TRANSLATION_VERSION = "1"


def inputs_hash(
    *,
    revision: str,
    dockerfile: str,
    context: str,
    build_args: Mapping[str, str],
    platform: str | None,
    target: str | None = None,
    translation: str = TRANSLATION_VERSION,
) -> str:
    """``sha256:<hex>`` over a canonical JSON of the inputs."""
    document = {
        "revision": revision,
        "dockerfile": dockerfile,
        "context": context,
        "build_args": dict(sorted(build_args.items())),
        "platform": platform or "",
        "target": target or "",
        "translation": translation,
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
