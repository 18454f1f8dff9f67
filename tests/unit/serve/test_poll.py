"""The poll trigger: which apps are due, the delivery a new head makes, and branch_head against a
real git repository made by the test (file:// URL)."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from dockyard.errors import SourceError
from dockyard.serve import App
from dockyard.serve._inbox import Accept, AcceptOutcome
from dockyard.serve._poll import Poller, branch_head, due, poll_delivery
from dockyard.serve._store import Delivery, DeliveryKind


def _app(name: str = "web", **fields: object) -> App:
    return App.model_validate(
        {"name": name, "repo": "file:///srv/x.git", "image": "127.0.0.1:5000/x"} | fields
    )


def test_due_apps() -> None:
    polled = _app("a", poll="60s")
    other = _app("b", poll="5m")
    never = _app("c")
    apps = [polled, other, never]
    assert due(apps, {}, now=1000) == [polled, other]
    assert due(apps, {"a": 950, "b": 950}, now=1000) == []
    assert due(apps, {"a": 940, "b": 950}, now=1000) == [polled]


def test_a_new_head_makes_one_internal_delivery() -> None:
    app = _app(poll="60s")
    made = poll_delivery(app, "c" * 40, known=None, now=5)
    assert made is not None
    assert (made.id, made.provider, made.kind, made.commit) == (
        f"poll:web:{'c' * 40}",
        "poll",
        DeliveryKind.BUILD,
        "c" * 40,
    )
    assert poll_delivery(app, "c" * 40, known="c" * 40, now=6) is None


class _Inbox:
    def __init__(self, outcome: AcceptOutcome) -> None:
        self.outcome = outcome
        self.accepted: list[Delivery] = []

    def accept(self, delivery: Delivery) -> Accept:
        self.accepted.append(delivery)
        return Accept(self.outcome)


def test_the_poller_checks_each_due_app_and_retries_after_a_full_queue() -> None:
    heads = {"web": "1" * 40}
    inbox = _Inbox(AcceptOutcome.FULL)
    poller = Poller(
        [_app(poll="60s"), _app("quiet")],
        inbox,  # type: ignore[arg-type]
        head=lambda app: heads[app.name],
    )
    assert poller.check(now=0) == []
    inbox.outcome = AcceptOutcome.QUEUED
    assert poller.check(now=30) == []  # not due yet
    made = poller.check(now=61)
    assert [d.id for d in made] == [f"poll:web:{'1' * 40}"]
    assert poller.check(now=122) == []  # the same head: nothing new
    heads["web"] = "2" * 40
    assert [d.commit for d in poller.check(now=183)] == ["2" * 40]
    assert [d.app for d in inbox.accepted] == ["web", "web", "web"]


def test_a_failing_check_is_remembered_and_cleared() -> None:
    def head(app: App) -> str:
        raise SourceError("repository not found or not readable: file:///srv/x.git")

    poller = Poller([_app(poll="60s")], _Inbox(AcceptOutcome.QUEUED), head=head)  # type: ignore[arg-type]
    assert poller.check(now=0) == []
    assert poller.errors == {"web": "repository not found or not readable: file:///srv/x.git"}


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    _git(
        work,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@e",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "one",
    )
    return work


def test_branch_head_asks_git_ls_remote(repo: Path) -> None:
    head = _git(repo, "rev-parse", "HEAD")
    app = _app(repo=repo.as_uri(), poll=timedelta(seconds=60))
    assert branch_head(app) == head
    _git(
        repo,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@e",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "2",
    )
    assert branch_head(app) == _git(repo, "rev-parse", "HEAD")
    with pytest.raises(SourceError, match="unknown ref 'refs/heads/dev' in"):
        branch_head(_app(repo=repo.as_uri(), branch="dev"))


def test_branch_head_failures_are_one_line_without_credentials(tmp_path: Path) -> None:
    missing = _app(repo=f"file://{tmp_path}/absent.git")
    with pytest.raises(SourceError, match="repository not found or not readable") as caught:
        branch_head(missing)
    assert "\n" not in str(caught.value)
    with pytest.raises(SourceError, match="refused source"):
        branch_head(_app(repo="ext::sh -c touch% /tmp/pwned"))
    secret = _app(repo="http://user:hunter2-pass@127.0.0.1:1/x.git")
    with pytest.raises(SourceError) as caught:
        branch_head(secret)
    assert "hunter2-pass" not in str(caught.value)
