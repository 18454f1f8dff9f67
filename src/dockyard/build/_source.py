"""The git source of a build: a URL cloned shallowly at one ref, or a local work tree.

git runs through ``subprocess`` with argument lists, never a shell. User input that git could read
as an option (a leading ``-``, as in ``--upload-pack=...``) is refused, as are transports that run
commands (``ext::``, ``fd::``); ``GIT_ALLOW_PROTOCOL`` limits git to file, git, http(s) and ssh
even for redirects and submodules. The URL reaches git through ``GIT_CONFIG_*`` environment
variables as ``remote.origin.url`` rather than as an argument, so credentials embedded in it never
show in the process list; every message shows it redacted.

One ``git ls-remote --symref`` answers everything before the clone: the default branch, whether
the ref is a branch, a tag or neither, and which tags point at the commit.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from dockyard.errors import SourceError
from dockyard.secrets import redact

__all__ = [
    "Source",
    "SourceInfo",
    "changed_files",
    "checkout",
    "resolve",
    "validate_ref",
    "validate_url",
]

_ALLOWED_SCHEMES = ("https", "http", "ssh", "git", "file", "git+ssh", "ssh+git")
_SCP_LIKE = re.compile(r"^(?:[\w.+-]+@)?[\w.-]+:(?!//)")
_HEX = re.compile(r"^[0-9a-f]{7,40}$")
_TIMEOUT_S = 600
# What resolve() learnt from `git ls-remote`, handed to the clone that follows in the same
# process (one remote round trip instead of two, and the build fetches what was decided on).
_remembered: dict[str, _Remote] = {}


@dataclass(frozen=True)
class SourceInfo:
    """What the tags and labels are made of."""

    url: str  # redacted: safe to show and to put in a label
    revision: str  # full commit sha
    branch: str | None = None
    tags: tuple[str, ...] = ()  # git tags pointing at the commit; the requested tag first
    default_branch: str | None = None
    dirty: bool = False  # a local work tree with uncommitted changes (built as they are)
    # The commit's subject line and author name, as git has them (from the repository: text
    # anyone who can push wrote; shown escaped). Empty when only `git ls-remote` was asked.
    subject: str = ""
    author: str = ""

    @property
    def is_default_branch(self) -> bool:
        return self.branch is not None and self.branch == self.default_branch

    @property
    def tag(self) -> str | None:
        return self.tags[0] if self.tags else None


@dataclass(frozen=True)
class Source:
    """A checked-out tree and what it is."""

    path: Path
    info: SourceInfo


@dataclass(frozen=True)
class _Remote:
    default_branch: str | None
    heads: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)  # name -> peeled commit sha


def validate_url(source: str) -> None:
    """Refuse what git would read as an option or as a command-running transport."""
    shown = redact(source)
    if source.startswith("-"):
        raise SourceError(
            f"refused source {shown!r}: it starts with '-' and git would read it as an option"
        )
    lowered = source.lower()
    if "::" in lowered.split("/", 1)[0] or lowered.startswith(("ext::", "fd::")):
        raise SourceError(f"refused source {shown!r}: transports of the form 'x::' run commands")
    if "://" in source:
        scheme = lowered.split("://", 1)[0]
        if scheme not in _ALLOWED_SCHEMES:
            raise SourceError(
                f"refused source {shown!r}: scheme {scheme!r} is not one of https, ssh, git, file"
            )
    if any(ch in source for ch in "\n\r\0"):
        raise SourceError(f"refused source {shown!r}: it contains a control character")


def validate_ref(ref: str) -> None:
    if ref.startswith("-") or not ref or any(ch in ref for ch in " \t\n\r\0~^:?*[\\"):
        raise SourceError(f"refused ref {ref!r}: not a branch, tag or commit name git accepts")


def resolve(source: str, *, ref: str | None = None) -> SourceInfo | None:
    """What ``source`` at ``ref`` is, without cloning: one ``git ls-remote`` for a URL.

    None when only a clone can tell (an abbreviated sha that is no branch or tag tip).
    """
    url, local = _locate(source, ref=ref)
    if url is None:
        return _work_tree(local).info
    with tempfile.TemporaryDirectory(prefix="dockyard-ls-") as tmp:
        remote = _ls_remote(Path(tmp), url=url)
    _remembered[url] = remote
    fetch_spec, branch, tag = _resolve(remote, ref=ref, shown=redact(url))
    if fetch_spec.startswith("refs/heads/"):
        revision = remote.heads[fetch_spec.removeprefix("refs/heads/")]
    elif fetch_spec.startswith("refs/tags/"):
        revision = remote.tags[fetch_spec.removeprefix("refs/tags/")]
    elif len(fetch_spec) == 40:
        revision = fetch_spec
    else:
        return None
    return _info(url, revision=revision, branch=branch, tag=tag, remote=remote)


@contextlib.contextmanager
def checkout(source: str, *, ref: str | None = None) -> Iterator[Source]:
    """Yield the source tree at ``ref``; a temporary clone is removed afterwards."""
    url, local = _locate(source, ref=ref)
    if url is None:
        yield _work_tree(local)
        return
    workdir = Path(tempfile.mkdtemp(prefix="dockyard-src-"))
    try:
        yield _clone(url, ref=ref, workdir=workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _locate(source: str, *, ref: str | None) -> tuple[str | None, Path]:
    """(URL to clone, or None for a local work tree used in place; the local path)."""
    validate_url(source)
    if ref is not None:
        validate_ref(ref)
    local = Path(source).expanduser()
    is_url = "://" in source or bool(_SCP_LIKE.match(source))
    if not is_url and local.exists():
        return (None, local) if ref is None else (local.resolve().as_uri(), local)
    if not is_url:
        raise SourceError(f"repository not found or not readable: {redact(source)}")
    return source, local


def _work_tree(path: Path) -> Source:
    """A local repository is built where it is, at its checked-out HEAD."""
    if not path.is_dir():
        raise SourceError(f"{path} is not a git repository: give a git URL or a git work tree")
    top = _git_maybe(["rev-parse", "--show-toplevel"], cwd=path)
    if top is None:
        raise SourceError(f"{path} is not a git repository: give a git URL or a git work tree")
    revision = _git(["rev-parse", "HEAD"], cwd=path, fail=f"{path} has no commit yet")
    branch = _git_maybe(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd=path)
    upstream = _git_maybe(
        ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd=path
    )
    default = upstream.removeprefix("origin/") if upstream else branch
    tags_out = _git_maybe(["tag", "--points-at", "HEAD", "--sort=-v:refname"], cwd=path)
    tags = tuple(line for line in (tags_out or "").splitlines() if line)
    status = _git_maybe(["status", "--porcelain", "--untracked-files=normal"], cwd=path)
    author, subject = _commit_line(path)
    info = SourceInfo(
        url=redact(str(path.resolve())),
        revision=revision,
        branch=branch,
        tags=tags,
        default_branch=default,
        dirty=bool(status),
        subject=subject,
        author=author,
    )
    return Source(path=Path(top), info=info)


def _commit_line(tree: Path) -> tuple[str, str]:
    """(author name, subject) of HEAD; empty when git cannot say."""
    line = _git_maybe(["log", "-1", "--format=%an%x00%s"], cwd=tree) or ""
    author, _, subject = line.partition("\0")
    return author.strip(), subject.strip()


def _clone(url: str, *, ref: str | None, workdir: Path) -> Source:
    shown = redact(url)
    tree = workdir / "tree"
    _git(["init", "--quiet", str(tree)], cwd=workdir, fail="cannot create a temporary clone")
    remote = _remembered.pop(url, None) or _ls_remote(tree, url=url)
    fetch_spec, branch, tag = _resolve(remote, ref=ref, shown=shown)
    _git(
        ["fetch", "--quiet", "--depth", "1", "--no-tags", "origin", "--", fetch_spec],
        cwd=tree,
        url=url,
        fail=f"unknown ref {ref!r} in {shown}" if ref else f"cannot fetch {shown}",
    )
    _git(["checkout", "--quiet", "--detach", "FETCH_HEAD"], cwd=tree, fail="checkout failed")
    revision = _git(["rev-parse", "HEAD"], cwd=tree, fail="checkout failed")
    if ref is not None and _HEX.match(ref) and not revision.startswith(ref.lower()):
        raise SourceError(f"unknown ref {ref!r} in {shown}")
    info = _info(url, revision=revision, branch=branch, tag=tag, remote=remote)
    author, subject = _commit_line(tree)
    return Source(path=tree, info=replace(info, subject=subject, author=author))


def _info(
    url: str, *, revision: str, branch: str | None, tag: str | None, remote: _Remote
) -> SourceInfo:
    pointing = sorted((name for name, sha in remote.tags.items() if sha == revision), reverse=True)
    tags = tuple(dict.fromkeys([tag, *pointing] if tag else pointing))
    return SourceInfo(
        url=redact(url),
        revision=revision,
        branch=branch,
        tags=tags,
        default_branch=remote.default_branch,
    )


def _ls_remote(tree: Path, *, url: str) -> _Remote:
    output = _git(
        ["ls-remote", "--symref", "origin"],
        cwd=tree,
        url=url,
        fail=f"repository not found or not readable: {redact(url)}",
    )
    default: str | None = None
    heads: dict[str, str] = {}
    tags: dict[str, str] = {}
    for line in output.splitlines():
        left, _, name = line.partition("\t")
        if left.startswith("ref: ") and name == "HEAD":
            default = left.removeprefix("ref: ").removeprefix("refs/heads/")
        elif name.startswith("refs/heads/"):
            heads[name.removeprefix("refs/heads/")] = left
        elif name.startswith("refs/tags/"):
            tag = name.removeprefix("refs/tags/")
            if tag.endswith("^{}"):
                tags[tag.removesuffix("^{}")] = left  # the peeled commit wins over the tag object
            else:
                tags.setdefault(tag, left)
    return _Remote(default_branch=default, heads=heads, tags=tags)


def _resolve(remote: _Remote, *, ref: str | None, shown: str) -> tuple[str, str | None, str | None]:
    """(what to fetch, branch name, tag name) for ``ref``; the default branch when it is None."""
    if ref is None:
        if remote.default_branch is None:
            raise SourceError(f"repository not found or not readable: {shown} (it has no HEAD)")
        return f"refs/heads/{remote.default_branch}", remote.default_branch, None
    name = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
    if name in remote.heads and not ref.startswith("refs/tags/"):
        return f"refs/heads/{name}", name, None
    if name in remote.tags:
        return f"refs/tags/{name}", None, name
    if _HEX.match(ref.lower()):
        known = {*remote.heads.values(), *remote.tags.values()}
        full = [sha for sha in known if sha.startswith(ref.lower())]
        if len(full) == 1:
            return full[0], None, None
        if len(ref) == 40:
            return ref.lower(), None, None
        raise SourceError(
            f"unknown ref {ref!r} in {shown}: give the full 40-character commit sha "
            "(a shallow clone cannot resolve abbreviated ones)"
        )
    raise SourceError(f"unknown ref {ref!r} in {shown}: no branch, tag or commit of that name")


def changed_files(source: str, *, since: str, commit: str) -> list[str] | None:
    """The paths that differ between the full commit shas ``since`` and ``commit`` of the
    repository at ``source`` (a path renamed shows under both names).

    Both commits are fetched at depth 1, without file contents where the server allows it
    (``--filter=blob:none``): the two trees are all a diff of names needs. None when git cannot
    tell: ``since`` is gone (a force push) or the server does not hand out a commit that is not a
    branch tip, or the repository cannot be reached (the build that follows says why)."""
    for sha in (since, commit):
        if not re.fullmatch(r"[0-9a-f]{40}", sha):
            raise SourceError(f"refused commit {sha!r}: a full 40-character sha is needed")
    url, _local = _locate(source, ref=commit)
    with tempfile.TemporaryDirectory(prefix="dockyard-diff-") as tmp:
        repo = Path(tmp)
        _git(["init", "--quiet", "--bare", "."], cwd=repo, fail="cannot create a repository")
        fetch = ["fetch", "--quiet", "--depth", "1", "--filter=blob:none", "--no-tags"]
        if _run_git([*fetch, "origin", "--", commit, since], cwd=repo, url=url).returncode:
            return None
        diff = _run_git(
            ["diff", "--name-only", "--no-renames", "-z", since, commit], cwd=repo, url=None
        )
        if diff.returncode:
            return None
        return [path for path in diff.stdout.split("\0") if path]


def _git(args: list[str], *, cwd: Path, fail: str, url: str | None = None) -> str:
    """Run git; on failure raise ``SourceError`` with ``fail`` and git's own reason."""
    result = _run_git(args, cwd=cwd, url=url)
    if result.returncode != 0:
        reason = _reason(result.stderr)
        raise SourceError(f"{fail}{': ' + reason if reason else ''}")
    return result.stdout.strip()


def _git_maybe(args: list[str], *, cwd: Path) -> str | None:
    """Run git for an answer that may legitimately be missing (no branch, no tag)."""
    result = _run_git(args, cwd=cwd, url=None)
    return result.stdout.strip() if result.returncode == 0 else None


def _run_git(args: list[str], *, cwd: Path, url: str | None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=_git_env(url),
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise SourceError("git is not installed: install git (apt-get install git)") from exc
    except subprocess.TimeoutExpired as exc:
        raise SourceError(f"git {args[0]} took longer than {_TIMEOUT_S} s") from exc


def _reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    useful = [line for line in lines if line.lower().startswith(("fatal:", "error:"))] or lines
    return redact(useful[-1].removeprefix("fatal: ").removeprefix("error: ")) if useful else ""


def _git_env(url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") or key in ("GIT_SSH_COMMAND", "GIT_SSH")
    }
    env.update(
        GIT_ALLOW_PROTOCOL="file:git:http:https:ssh",
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="true",
        GIT_CONFIG_NOSYSTEM="1",
        LC_ALL="C",
    )
    if url is not None:
        env.update(
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0="remote.origin.url",
            GIT_CONFIG_VALUE_0=url,
        )
    return env
