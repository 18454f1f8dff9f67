"""Detection: the samples, and the cases a user meets (several stacks, none, broken files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.errors import StackUnknown
from dockyard.scaffold import StackKind, detect_stack, image_name, read_project
from tests.unit.scaffold.conftest import SAMPLES

EXPECTED = {
    "python-pyproject": (StackKind.PYTHON_PYPROJECT, "sample-py", ("sample-py",)),
    "python-requirements": (
        StackKind.PYTHON_REQUIREMENTS,
        "python-requirements",
        ("python", "app.py"),
    ),
    "node": (StackKind.NODE, "sample-node", ("node", "server.js")),
    "node-build": (StackKind.NODE_BUILD, "sample-node-build", ("node", "dist/server.js")),
    "go": (StackKind.GO, "sample-go", ("/app",)),
    "static": (StackKind.STATIC, "static", ()),
}


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_each_sample_is_detected_from_its_files(sample: str) -> None:
    stack = detect_stack(read_project(SAMPLES / sample), dirname=sample)
    assert (stack.kind, stack.name, stack.command) == EXPECTED[sample]
    assert stack.notes == ()


def test_go_takes_its_toolchain_from_go_mod() -> None:
    stack = detect_stack(read_project(SAMPLES / "go"), dirname="go")
    assert (stack.go_version, stack.go_package) == ("1.19", ".")


def test_node_build_output_is_the_start_scripts_directory() -> None:
    stack = detect_stack(read_project(SAMPLES / "node-build"), dirname="x")
    assert stack.build_output == "dist"
    assert stack.lockfile


def test_several_stacks_stop_with_one_line_naming_them() -> None:
    files = {"pyproject.toml": "", "package.json": "{}", "go.mod": "module x\n"}
    with pytest.raises(StackUnknown) as exc:
        detect_stack(files, dirname="mixed")
    message = str(exc.value)
    assert "several stacks in mixed" in message
    assert "python" in message
    assert "node (package.json)" in message
    assert "go (go.mod)" in message
    assert "\n" not in message
    assert exc.value.exit_code == 16


def test_nothing_known_stops_and_says_what_it_looked_for() -> None:
    with pytest.raises(StackUnknown) as exc:
        detect_stack({"README.md": "", "src/x.c": ""}, dirname="empty")
    assert str(exc.value) == (
        "cannot tell the stack of empty: no pyproject.toml, requirements.txt, package.json, "
        "go.mod or index.html at its top"
    )


def test_index_html_beside_package_json_is_a_node_app_not_a_static_site() -> None:
    files = {"index.html": "", "package.json": '{"name": "web"}', "index.js": ""}
    assert detect_stack(files, dirname="d").kind is StackKind.NODE


def test_broken_pyproject_is_reported_not_raised() -> None:
    with pytest.raises(StackUnknown, match=r"^pyproject.toml does not parse"):
        detect_stack({"pyproject.toml": "[project\nname="}, dirname="d")


def test_broken_package_json_is_reported_not_raised() -> None:
    with pytest.raises(StackUnknown, match=r"^package.json does not parse"):
        detect_stack({"package.json": "{"}, dirname="d")


def test_pyproject_without_scripts_runs_the_module() -> None:
    files = {"pyproject.toml": '[project]\nname = "My.App"\n'}
    stack = detect_stack(files, dirname="d")
    assert stack.command == ("python", "-m", "My_App")
    assert stack.name == "my.app"
    assert stack.notes == ("no [project.scripts] in pyproject.toml: CMD runs `python -m My_App`",)


def test_pyproject_wins_over_requirements_txt() -> None:
    files = {"pyproject.toml": '[project]\nname = "a"\n', "requirements.txt": ""}
    assert detect_stack(files, dirname="d").kind is StackKind.PYTHON_PYPROJECT


def test_requirements_without_an_entry_point_says_what_cmd_guesses() -> None:
    stack = detect_stack({"requirements.txt": "flask==3.0\n"}, dirname="d")
    assert stack.command == ("python", "app.py")
    assert stack.notes == (
        "none of app.py, main.py, server.py, wsgi.py found: CMD runs app.py; adjust it",
    )


def test_requirements_finds_main_py() -> None:
    stack = detect_stack({"requirements.txt": "", "main.py": ""}, dirname="d")
    assert stack.command == ("python", "main.py")


def test_node_without_lockfile_notes_npm_install() -> None:
    files = {"package.json": '{"name": "@scope/Web", "main": "./lib/index.js"}'}
    stack = detect_stack(files, dirname="d")
    assert (stack.name, stack.command, stack.lockfile) == ("web", ("node", "lib/index.js"), False)
    assert stack.notes == ("no package-lock.json: npm install, not npm ci (commit a lockfile)",)


def test_node_build_with_start_outside_an_output_directory_is_noted() -> None:
    files = {
        "package.json": '{"scripts": {"build": "tsc", "start": "node src/main.js"}}',
        "package-lock.json": "{}",
    }
    stack = detect_stack(files, dirname="d")
    assert stack.kind is StackKind.NODE_BUILD
    assert stack.build_output == "dist"
    assert stack.notes == (
        "node src/main.js is not in a build output directory: final stage copies dist/",
    )


def test_node_start_through_another_tool_falls_back_to_a_known_file() -> None:
    files = {"package.json": '{"scripts": {"start": "nodemon app.js"}}', "app.js": ""}
    stack = detect_stack(files, dirname="d")
    assert stack.command == ("node", "app.js")
    assert stack.notes[0] == "no `node FILE` start script and no main: CMD runs node app.js"


def test_go_main_under_cmd_is_found() -> None:
    files = {"go.mod": "module github.com/me/tool\n\ngo 1.22.4\n", "cmd/tool/main.go": ""}
    stack = detect_stack(files, dirname="d")
    assert (stack.name, stack.go_version, stack.go_package) == ("tool", "1.22", "./cmd/tool")


@pytest.mark.parametrize(
    ("raw", "name"),
    [("My App", "my-app"), ("--x--", "x"), ("web_1.2", "web_1.2"), ("???", "app")],
)
def test_image_name_is_valid_for_a_registry(raw: str, name: str) -> None:
    assert image_name(raw) == name


def test_read_project_skips_node_modules_and_git(tmp_path: Path) -> None:
    root = tmp_path
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "package.json").write_text("{}")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref")
    (root / "package.json").write_text('{"name": "a"}')
    assert read_project(root) == {"package.json": '{"name": "a"}'}


def test_read_project_sees_go_commands_two_levels_down(tmp_path: Path) -> None:
    (tmp_path / "cmd" / "tool").mkdir(parents=True)
    (tmp_path / "cmd" / "tool" / "main.go").write_text("package main\n")
    (tmp_path / "go.mod").write_text("module example.com/tool\n")
    stack = detect_stack(read_project(tmp_path), dirname="d")
    assert stack.go_package == "./cmd/tool"


def test_read_project_refuses_a_file_for_a_directory(tmp_path: Path) -> None:
    from dockyard.errors import UsageError

    (tmp_path / "f").write_text("")
    with pytest.raises(UsageError, match=r"is not a directory$"):
        read_project(tmp_path / "f")
