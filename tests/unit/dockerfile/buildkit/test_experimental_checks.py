"""The experimental BuildKit checks (CopyIgnoredFile, InvalidDefinitionDescription), the
.dockerignore matcher CopyIgnoredFile uses, on BuildKit's own lint-test semantics, and where
dockyard follows the engine's v0.25 frontend rather than BuildKit's newest source."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.dockerfile import lint_text
from dockyard.dockerfile._config import LintConfig
from dockyard.dockerfile.rules.buildkit._dockerignore import (
    IgnoreMatcher,
    clean_path,
    read_patterns,
)


def _hits(text: str, code: str, path: str = "Dockerfile") -> list[int]:
    found = lint_text(text, path=path, config=LintConfig(shellcheck=False)).findings
    return [f.line for f in found if f.code == code]


def _context(tmp_path: Path, dockerfile: str, ignore: str) -> str:
    (tmp_path / ".dockerignore").write_text(ignore)
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    return str(path)


COPY_CASE = (
    "# check=experimental=CopyIgnoredFile\nFROM scratch\nCOPY Dockerfile .\nADD Dockerfile /w\n"
)


def test_copy_ignored_file_reports_copy_and_add(tmp_path: Path) -> None:
    path = _context(tmp_path, COPY_CASE, "\nDockerfile\n")
    assert _hits(COPY_CASE, "CopyIgnoredFile", path) == [3, 4]


def test_copy_ignored_file_is_experimental(tmp_path: Path) -> None:
    text = COPY_CASE.split("\n", 1)[1]
    path = _context(tmp_path, text, "Dockerfile\n")
    assert _hits(text, "CopyIgnoredFile", path) == []


def test_copy_ignored_file_needs_a_dockerignore_and_skips_copy_from(tmp_path: Path) -> None:
    assert _hits(COPY_CASE, "CopyIgnoredFile", str(tmp_path / "missing")) == []
    text = (
        "# check=experimental=all\nFROM scratch AS base\nCOPY Dockerfile /foobar\n"
        "FROM base\nCOPY --from=base /foobar /Dockerfile\n"
    )
    assert _hits(text, "CopyIgnoredFile", _context(tmp_path, text, "foobar\n")) == []


def test_copy_ignored_file_expands_and_matches_parents(tmp_path: Path) -> None:
    text = (
        "# check=experimental=CopyIgnoredFile\nFROM scratch\nARG DIR=secrets\n"
        "COPY $DIR/key.pem /k\nCOPY ./secrets/key.pem /k\nCOPY ./secrets /s\nCOPY keep/a /a\n"
    )
    path = _context(tmp_path, text, "secrets\n")
    # v0.25 matches "./secrets" as written; its parent directory is cleaned ("secrets")
    assert _hits(text, "CopyIgnoredFile", path) == [4, 5]


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("a\n")
    (tmp_path / "app.Dockerfile.dockerignore").write_text("b\n")
    text = "# check=experimental=CopyIgnoredFile\nFROM scratch\nCOPY a /a\nCOPY b /b\n"
    path = tmp_path / "app.Dockerfile"
    path.write_text(text)
    assert _hits(text, "CopyIgnoredFile", str(path)) == [4]


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        (["*.md"], "README.md", True),
        (["*.md"], "docs/README.md", False),
        (["**/*.md"], "docs/README.md", True),
        (["docs/**"], "docs/a/b", True),
        (["docs"], "docs/a/b", True),
        (["*.md", "!README.md"], "README.md", False),
        (["*.md", "!README.md", "README*"], "README.md", True),
        (["a?c"], "abc", True),
        (["a?c"], "a/c", False),
        (["[ab].txt"], "b.txt", True),
        (["node_modules"], "./node_modules", False),
        (["x.y"], "xzy", False),
    ],
)
def test_matcher(patterns: list[str], path: str, expected: bool) -> None:
    assert IgnoreMatcher(patterns).matches_or_parent_matches(path) is expected


def test_read_patterns_and_clean_path() -> None:
    text = "# comment\n  /build/  \n\n! keep/../keep.txt\n a//b/./c \n"
    assert read_patterns(text) == ["build", "!keep.txt", "a/b/c"]
    assert clean_path("/../a/") == "/a"
    assert clean_path("../a/../../b") == "../../b"


DESCRIPTIONS = """\
# check=experimental=InvalidDefinitionDescription
# bar this is the bar
ARG foo=bar
# BasE this is the BasE image
FROM scratch AS base
# definitely a bad comment
ARG version=latest
# definitely a bad comment
ARG foo=baz bar=qux baz=quux
"""


def test_invalid_definition_description() -> None:
    assert _hits(DESCRIPTIONS, "InvalidDefinitionDescription") == [3, 5, 7, 9]
    messages = [
        f.message
        for f in lint_text(DESCRIPTIONS, config=LintConfig(shellcheck=False)).findings
        if f.code == "InvalidDefinitionDescription"
    ]
    assert messages[1] == "Comment for FROM should follow the format: `# base <description>`"
    assert messages[3] == "Comment for ARG should follow the format: `# <arg_key> <description>`"


def test_invalid_definition_description_good_comments_and_resets() -> None:
    text = (
        "# check=experimental=InvalidDefinitionDescription\n# foo this is the foo\nARG foo=bar\n\n"
        "# base this is the base image\nFROM scratch AS base\n# baz this is the baz\n"
        "ARG foo=baz bar=qux baz=quux\n#\nARG bit=bat\n# other\nCOPY Dockerfile .\n"
        "# not the name\n\nARG spaced=1\nFROM scratch\n"
    )
    assert _hits(text, "InvalidDefinitionDescription") == [15]  # a blank line does not reset


def test_invalid_definition_description_is_experimental() -> None:
    text = DESCRIPTIONS.split("\n", 1)[1]
    assert _hits(text, "InvalidDefinitionDescription") == []


def test_skip_all_does_not_skip_an_enabled_experimental_check(tmp_path: Path) -> None:
    text = "# check=skip=all;experimental=CopyIgnoredFile\nFROM scratch\nCOPY a /\nMAINTAINER x\n"
    path = _context(tmp_path, text, "a\n")
    found = lint_text(text, path=path, config=LintConfig(shellcheck=False)).findings
    from dockyard.dockerfile.rules.buildkit import CHECK_NAMES

    assert [(f.line, f.code) for f in found if f.code in CHECK_NAMES] == [(3, "CopyIgnoredFile")]


def test_secrets_allow_list_is_the_engines_v0_25_one() -> None:
    text = (
        "FROM scratch\nENV DOCKER_AUTH_VERSION=1\nARG PUBLIC_KEY\nARG KEY_FILE\nARG KEYBOARD\n"
        "ENV secret_MESSAGE hi\n"
    )
    assert _hits(text, "SecretsUsedInArgOrEnv") == [2, 4, 6]
