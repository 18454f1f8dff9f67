"""The git source against real git repositories on disk (file:// URLs and work trees)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.build._source import changed_files, checkout
from dockyard.errors import SourceError
from tests.unit.build.gitrepo import commit, git, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    make_repo(path, {"Dockerfile": "FROM scratch\n", "a.txt": "one\n"})
    git(path, "tag", "v1.0.0")
    git(path, "tag", "-a", "-m", "annotated", "v1.0.1")
    git(path, "checkout", "-q", "-b", "feature/x")
    commit(path, {"a.txt": "two\n"}, message="second")
    git(path, "checkout", "-q", "main")
    commit(path, {"a.txt": "three\n"}, message="third")
    return path


def test_default_branch_is_cloned_and_known(repo: Path) -> None:
    with checkout(repo.as_uri()) as source:
        assert (source.path / "a.txt").read_text() == "three\n"
        assert source.info.revision == git(repo, "rev-parse", "main")
        assert source.info.branch == "main"
        assert source.info.is_default_branch
        assert source.info.tags == ()
        clone = source.path
    assert not clone.exists(), "the temporary clone is removed afterwards"


def test_a_branch_ref(repo: Path) -> None:
    with checkout(repo.as_uri(), ref="feature/x") as source:
        assert (source.path / "a.txt").read_text() == "two\n"
        assert source.info.branch == "feature/x"
        assert not source.info.is_default_branch


def test_a_tag_ref_names_every_tag_on_the_commit(repo: Path) -> None:
    with checkout(repo.as_uri(), ref="v1.0.0") as source:
        assert (source.path / "a.txt").read_text() == "one\n"
        assert source.info.branch is None
        assert source.info.tag == "v1.0.0"
        assert set(source.info.tags) == {"v1.0.0", "v1.0.1"}


def test_an_annotated_tag_resolves_to_its_commit(repo: Path) -> None:
    with checkout(repo.as_uri(), ref="v1.0.1") as source:
        assert source.info.revision == git(repo, "rev-parse", "v1.0.1^{commit}")


def test_a_commit_sha_that_is_no_tip(repo: Path) -> None:
    sha = git(repo, "rev-parse", "main~1")
    with checkout(repo.as_uri(), ref=sha) as source:
        assert source.info.revision == sha
        assert (source.path / "a.txt").read_text() == "one\n"
        assert source.info.branch is None


def test_an_abbreviated_sha_of_a_tip(repo: Path) -> None:
    sha = git(repo, "rev-parse", "feature/x")
    with checkout(repo.as_uri(), ref=sha[:9]) as source:
        assert source.info.revision == sha


def test_unknown_ref_names_the_ref(repo: Path) -> None:
    with (
        pytest.raises(SourceError, match="unknown ref 'nope'") as caught,
        checkout(repo.as_uri(), ref="nope"),
    ):
        pass
    assert caught.value.exit_code == 8


def test_unknown_repository(tmp_path: Path) -> None:
    url = (tmp_path / "missing").as_uri()
    with pytest.raises(SourceError, match="repository not found or not readable"), checkout(url):
        pass


@pytest.mark.parametrize(
    "source",
    [
        "--upload-pack=touch /tmp/pwned",
        "ext::sh -c touch% /tmp/pwned",
        "fd::17",
        "ftp://example.com/repo.git",
        "-oProxyCommand=x",
    ],
)
def test_dangerous_sources_are_refused(source: str) -> None:
    with pytest.raises(SourceError, match="refused source"), checkout(source):
        pass


@pytest.mark.parametrize("ref", ["--upload-pack=touch /tmp/pwned", "-x", "a b", "x:y"])
def test_dangerous_refs_are_refused(repo: Path, ref: str) -> None:
    with pytest.raises(SourceError, match="refused ref"), checkout(repo.as_uri(), ref=ref):
        pass


def test_credentials_in_the_url_are_not_in_the_error(tmp_path: Path) -> None:
    url = "http://user:s3cr3t-token@127.0.0.1:9/none.git"
    with pytest.raises(SourceError) as caught, checkout(url):
        pass
    assert "s3cr3t-token" not in str(caught.value)
    assert "repository not found or not readable" in str(caught.value)


def test_a_local_work_tree_is_used_in_place(repo: Path) -> None:
    with checkout(str(repo)) as source:
        assert source.path == repo
        assert source.info.revision == git(repo, "rev-parse", "HEAD")
        assert source.info.branch == "main"
        assert source.info.is_default_branch


def test_a_local_work_tree_with_a_ref_is_cloned(repo: Path) -> None:
    with checkout(str(repo), ref="v1.0.0") as source:
        assert source.path != repo
        assert (source.path / "a.txt").read_text() == "one\n"


def test_a_local_directory_that_is_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(SourceError, match="not a git repository"), checkout(str(plain)):
        pass


def test_a_missing_local_path(tmp_path: Path) -> None:
    with (
        pytest.raises(SourceError, match="repository not found"),
        checkout(str(tmp_path / "nothing")),
    ):
        pass


def test_changed_files_between_two_commits(tmp_path: Path) -> None:
    path = tmp_path / "mono"
    first = make_repo(path, {"web/app.py": "1\n", "api/main.go": "1\n", "README.md": "x\n"})
    commit(path, {"api/main.go": "2\n"}, message="api only")
    (path / "docs").mkdir()
    git(path, "mv", "README.md", "docs/README.md")
    last = commit(path, {"web/app.py": "2\n"}, message="web and a move")
    changed = changed_files(path.as_uri(), since=first, commit=last)
    assert sorted(changed or []) == ["README.md", "api/main.go", "docs/README.md", "web/app.py"]
    assert changed_files(path.as_uri(), since=last, commit=last) == []
    assert changed_files(str(path), since=first, commit=last) == changed  # a local path too


def test_changed_files_is_none_when_the_earlier_commit_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "repo"
    head = make_repo(path, {"a.txt": "1\n"})
    assert changed_files(path.as_uri(), since="0" * 40, commit=head) is None
    with pytest.raises(SourceError, match="a full 40-character sha"):
        changed_files(path.as_uri(), since="--upload-pack=x", commit=head)
