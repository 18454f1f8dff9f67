"""Tags and OCI labels from git facts, the way docker/metadata-action derives them.

- ``sha-<7 hex>`` always (``type=sha``): every build can be found by its commit.
- the branch name, sanitized (``type=ref,event=branch``): characters outside ``[A-Za-z0-9._-]``
  become ``-`` (``feature/x`` -> ``feature-x``), at most 128 characters, no leading ``.``/``-``.
- a git tag that is semver (``v1.2.3``) gives ``1.2.3``, ``1.2`` and ``1`` (``type=semver`` with
  ``{{version}}``, ``{{major}}.{{minor}}``, ``{{major}}``); a pre-release (``v2.0.0-rc.1``) gives
  only its full version, and ``{{major}}`` is skipped for major version zero, as metadata-action
  does. Any other git tag gives itself, sanitized (``type=ref,event=tag``).
- ``latest`` for a build of the default branch, and for a build of a release tag (metadata-action's
  ``latest=auto``); never for a pre-release, so ``latest`` does not move to one.
- explicit ``--tag`` values are added as given (validated, not rewritten).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from dockyard.errors import UsageError

__all__ = [
    "LABEL_INPUTS",
    "TagPlan",
    "oci_labels",
    "plan_tags",
    "sanitize_tag",
    "validate_tag",
]

LABEL_INPUTS = "dockyard.build.inputs"
_MAX_TAG = 128
_INVALID = re.compile(r"[^A-Za-z0-9._-]+")
_VALID_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
_SEMVER = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+(?P<build>[0-9A-Za-z.-]+))?$"
)


@dataclass(frozen=True)
class TagPlan:
    """The tags of one build, in the order metadata-action lists them, and the label version."""

    tags: tuple[str, ...]
    version: str  # org.opencontainers.image.version


def sanitize_tag(name: str) -> str:
    """A valid docker tag from a branch or tag name: invalid runs become ``-``, 128 chars max."""
    cleaned = _INVALID.sub("-", name).lstrip(".-")
    return cleaned[:_MAX_TAG] or "-"


def validate_tag(tag: str) -> str:
    """An explicit ``--tag``: refused, not rewritten, when a registry would refuse it."""
    if not _VALID_TAG.match(tag):
        raise UsageError(
            f"invalid tag {tag!r}: use letters, digits, '_', '.', '-' (max 128, not starting "
            "with '.' or '-')"
        )
    return tag


def _semver_tags(tag: str) -> tuple[list[str], bool] | None:
    """Tags for a semver git tag and whether it is a release; None when it is not semver."""
    match = _SEMVER.match(tag)
    if match is None:
        return None
    major, minor, patch = match["major"], match["minor"], match["patch"]
    full = f"{major}.{minor}.{patch}"
    if match["pre"]:
        return [sanitize_tag(f"{full}-{match['pre']}")], False
    tags = [f"{full}-{match['build']}" if match["build"] else full, f"{major}.{minor}"]
    if major != "0":
        tags.append(major)
    return [sanitize_tag(t) for t in tags], True


def plan_tags(
    *,
    revision: str,
    branch: str | None,
    is_default_branch: bool,
    git_tags: Iterable[str] = (),
    ref_is_tag: bool = False,
    extra: Iterable[str] = (),
) -> TagPlan:
    """Every tag of the build; ``git_tags`` are the tags pointing at the commit, built one first."""
    tags: list[str] = []
    version = ""
    release_ref = False
    for position, git_tag in enumerate(git_tags):
        semver = _semver_tags(git_tag)
        derived = semver[0] if semver else [sanitize_tag(git_tag)]
        if position == 0 and ref_is_tag and semver is not None:
            release_ref = semver[1]
        tags.extend(derived)
        version = version or derived[0]
    if branch is not None:
        tags.append(sanitize_tag(branch))
        version = version or sanitize_tag(branch)
    short = f"sha-{revision[:7]}"
    tags.append(short)
    if is_default_branch or release_ref:
        tags.append("latest")
    tags.extend(validate_tag(t) for t in extra)
    return TagPlan(tags=tuple(dict.fromkeys(tags)), version=version or short)


def oci_labels(
    *,
    source_url: str,
    revision: str,
    version: str,
    created: datetime,
    title: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The OCI annotations metadata-action sets, as image labels."""
    labels = {
        "org.opencontainers.image.source": source_url,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "org.opencontainers.image.version": version,
    }
    if title:
        labels["org.opencontainers.image.title"] = title
    labels.update(extra or {})
    return labels
