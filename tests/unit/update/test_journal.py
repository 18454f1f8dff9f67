"""The journal: every line on disk, torn lines ignored, finished entries cleared."""

from __future__ import annotations

from pathlib import Path

from dockyard.update._journal import Journal, default_state_dir, open_journals


def test_an_unfinished_replacement_is_found_with_its_steps(tmp_path: Path) -> None:
    journal = Journal(state_dir=tmp_path, plan={"name": "web", "old_id": "a" * 64})
    journal.intent("stop")
    journal.done("stop")
    journal.intent("create")
    journal.done("create", new_id="b" * 64)
    journal.intent("start")
    entries = list(open_journals(tmp_path))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.plan["name"] == "web"
    assert entry.last_step == "start"
    assert entry.done("create") is not None
    assert entry.done("create")["new_id"] == "b" * 64  # type: ignore[index]
    assert entry.done("start") is None
    assert not entry.finished


def test_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    journal = Journal(state_dir=tmp_path, plan={"name": "web"})
    journal.intent("stop")
    with journal.path.open("a") as handle:
        handle.write('{"step": "sto')
    (entry,) = open_journals(tmp_path)
    assert entry.last_step == "stop"


def test_finished_replacements_leave_nothing(tmp_path: Path) -> None:
    journal = Journal(state_dir=tmp_path, plan={"name": "web"})
    journal.done("finished")
    journal.close(remove=True)
    assert list(open_journals(tmp_path)) == []
    assert list((tmp_path / "journal").iterdir()) == []


def test_default_state_dir_follows_xdg() -> None:
    assert default_state_dir({"XDG_STATE_HOME": "/x"}) == Path("/x/dockyard")
