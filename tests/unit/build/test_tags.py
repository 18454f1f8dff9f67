"""Tags as docker/metadata-action derives them: a table of git facts -> tags."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dockyard.build._tags import oci_labels, plan_tags, sanitize_tag, validate_tag
from dockyard.errors import UsageError

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("branch", "default", "git_tags", "ref_is_tag", "expected", "version"),
    [
        ("main", True, [], False, ["main", "sha-0123456", "latest"], "main"),
        ("feature/x", False, [], False, ["feature-x", "sha-0123456"], "feature-x"),
        (None, False, ["v1.2.3"], True, ["1.2.3", "1.2", "1", "sha-0123456", "latest"], "1.2.3"),
        (None, False, ["1.2.3"], True, ["1.2.3", "1.2", "1", "sha-0123456", "latest"], "1.2.3"),
        (None, False, ["v2.0.0-rc.1"], True, ["2.0.0-rc.1", "sha-0123456"], "2.0.0-rc.1"),
        (None, False, ["v0.4.1"], True, ["0.4.1", "0.4", "sha-0123456", "latest"], "0.4.1"),
        (None, False, ["v1.2.3+build.7"], True,
         ["1.2.3-build.7", "1.2", "1", "sha-0123456", "latest"], "1.2.3-build.7"),
        (None, False, ["release/2024"], True, ["release-2024", "sha-0123456"], "release-2024"),
        ("main", True, ["v1.0.0"], False,
         ["1.0.0", "1.0", "1", "main", "sha-0123456", "latest"], "1.0.0"),
        ("main", True, ["v3.0.0-beta"], False,
         ["3.0.0-beta", "main", "sha-0123456", "latest"], "3.0.0-beta"),
        (None, False, [], False, ["sha-0123456"], "sha-0123456"),
    ],
)  # fmt: skip
def test_tags_follow_metadata_action(
    branch: str | None,
    default: bool,
    git_tags: list[str],
    ref_is_tag: bool,
    expected: list[str],
    version: str,
) -> None:
    plan = plan_tags(
        revision=SHA,
        branch=branch,
        is_default_branch=default,
        git_tags=git_tags,
        ref_is_tag=ref_is_tag,
    )
    assert list(plan.tags) == expected
    assert plan.version == version


def test_a_pre_release_never_moves_latest() -> None:
    plan = plan_tags(
        revision=SHA,
        branch=None,
        is_default_branch=False,
        git_tags=["v1.0.0-rc.1"],
        ref_is_tag=True,
    )
    assert "latest" not in plan.tags


def test_explicit_tags_are_added_once() -> None:
    plan = plan_tags(
        revision=SHA, branch="main", is_default_branch=True, extra=["stable", "latest", "v9"]
    )
    assert plan.tags == ("main", "sha-0123456", "latest", "stable", "v9")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("feature/x", "feature-x"),
        ("fix/ISSUE-12_thing", "fix-ISSUE-12_thing"),
        ("a b@c#d", "a-b-c-d"),
        ("héllo//wörld", "h-llo-w-rld"),
        ("-leading", "leading"),
        (".hidden", "hidden"),
        ("x" * 300, "x" * 128),
    ],
)
def test_sanitize_tag(name: str, expected: str) -> None:
    assert sanitize_tag(name) == expected


@pytest.mark.parametrize("bad", ["", "-x", ".x", "a/b", "a:b", "x" * 129, "a b"])
def test_invalid_explicit_tags_are_refused(bad: str) -> None:
    with pytest.raises(UsageError):
        validate_tag(bad)


def test_oci_labels() -> None:
    labels = oci_labels(
        source_url="https://example.com/app.git",
        revision=SHA,
        version="1.2.3",
        created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        title="app",
    )
    assert labels == {
        "org.opencontainers.image.source": "https://example.com/app.git",
        "org.opencontainers.image.revision": SHA,
        "org.opencontainers.image.created": "2026-01-02T03:04:05Z",
        "org.opencontainers.image.version": "1.2.3",
        "org.opencontainers.image.title": "app",
    }
