"""`dockyard init` as a user runs it: what it says, what it writes, and when it writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dockyard.cli import main
from tests.unit.scaffold.conftest import SAMPLES


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    return int(exc.value.code or 0)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(SAMPLES / "node", target)
    return target


def test_init_says_what_it_detected_and_what_it_wrote(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["init", str(project)]) == 0
    out, err = capsys.readouterr()
    assert err == "detected: node (package.json), app sample-node\n"
    assert out == "wrote Dockerfile\nwrote .dockerignore\n"
    assert (
        (project / "Dockerfile")
        .read_text()
        .startswith("# Dockerfile written by `dockyard init` for a node app (package.json).\n")
    )


def test_ci_and_compose_files_are_written_where_their_tools_look(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    socket = project.parent / "docker.sock"
    socket.touch()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{socket}")
    code = _run(["init", str(project), "--ci", "gitea", "--deploy", "serve", "--compose"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == [
        "wrote Dockerfile",
        "wrote .dockerignore",
        "wrote .gitea/workflows/docker.yml",
        "wrote compose.yaml",
    ]
    assert f'- "${{DOCKER_GID:-{socket.stat().st_gid}}}"' in (project / "compose.yaml").read_text()
    assert (
        "/api/v1/apps/sample-node/deploy"
        in (project / ".gitea" / "workflows" / "docker.yml").read_text()
    )


def test_an_existing_file_stops_everything_in_one_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".dockerignore").write_text("mine\n")
    code = _run(["init", str(project), "--ci", "github"])
    _, err = capsys.readouterr()
    assert code == 17
    assert err.splitlines()[-1] == (
        "dockyard: error: .dockerignore exists: nothing written; --force overwrites"
    )
    assert not (project / "Dockerfile").exists()
    assert not (project / ".github").exists()
    assert (project / ".dockerignore").read_text() == "mine\n"


def test_force_overwrites(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Dockerfile").write_text("FROM mine\n")
    assert _run(["init", str(project), "--force"]) == 0
    assert "FROM mine" not in (project / "Dockerfile").read_text()


def test_several_existing_files_are_counted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["init", str(project)]) == 0
    assert _run(["init", str(project)]) == 17
    assert capsys.readouterr().err.splitlines()[-1] == (
        "dockyard: error: Dockerfile exists (and 1 more): nothing written; --force overwrites"
    )


def test_unknown_stack_is_exit_16_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("hi\n")
    assert _run(["init", str(tmp_path)]) == 16
    assert capsys.readouterr().err == (
        f"dockyard: error: cannot tell the stack of {tmp_path.name}: no pyproject.toml, "
        "requirements.txt, package.json, go.mod or index.html at its top\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_deploy_without_ci_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["init", str(project), "--deploy", "heroku"]) == 2
    assert "--deploy needs --ci" in capsys.readouterr().err
    assert not (project / "Dockerfile").exists()


def test_notes_tell_the_user_what_was_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "requirements.txt").write_text("")
    assert _run(["init", str(tmp_path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[1] == (
        "note: none of app.py, main.py, server.py, wsgi.py found: CMD runs app.py; adjust it"
    )


def test_a_directory_that_cannot_be_made_stops_before_any_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".github").write_text("a file where the workflow's directory goes\n")
    assert _run(["init", str(project), "--ci", "github"]) == 1
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"dockyard: error: cannot make {project}/.github/workflows: ")
    assert err.endswith("; nothing written")
    assert not (project / "Dockerfile").exists()
