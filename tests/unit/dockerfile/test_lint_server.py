"""``dockyard lint --server`` as an editor or a hook runs it: the first call lints by itself and
starts the server, later calls are answered by it, with each caller's directory, configuration,
environment and standard input, and the same output and exit code."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

DOCKERFILE = "FROM debian\nMAINTAINER me\nRUN apt-get install -y curl\n"


def _wait(what: str, check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


class Caller:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.run_dir = home / "run"
        self.run_dir.mkdir(mode=0o700)
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_RUNTIME_DIR": str(self.run_dir),
            "DOCKYARD_LINT_SERVER_IDLE": "60",
        }

    def lint(
        self, *args: str, cwd: Path, stdin: str = "", extra_env: dict[str, str] | None = None
    ) -> tuple[int, str, str, set[str]]:
        """Exit code, stdout, stderr and the modules the call imported."""
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "dockyard", "lint", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **(extra_env or {})},
            check=False,
        )
        lines = done.stderr.splitlines()
        imported = {line.rsplit("|", 1)[-1].strip() for line in lines if "import time:" in line}
        stderr = "".join(line + "\n" for line in lines if "import time:" not in line)
        return done.returncode, done.stdout, stderr, imported

    def sockets(self) -> list[Path]:
        return sorted((self.run_dir / "dockyard").glob("lint-*.sock"))

    def servers(self) -> list[int]:
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            with contextlib.suppress(OSError):
                if str(self.run_dir).encode() in cmdline.read_bytes():
                    found.append(int(cmdline.parent.name))
        return found


@pytest.fixture
def caller(tmp_path: Path) -> Iterator[Caller]:
    made = Caller(tmp_path)
    yield made
    for pid in made.servers():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def _project(root: Path, config: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Dockerfile").write_text(DOCKERFILE)
    if config is not None:
        (root / ".hadolint.yaml").write_text(config)
    return root


def _warm(caller: Caller, cwd: Path) -> tuple[int, str, str, set[str]]:
    first = caller.lint("--server", "--no-shellcheck", "Dockerfile", cwd=cwd)
    _wait("the lint server's socket", lambda: bool(caller.sockets()))
    assert "dockyard.dockerfile" in first[3]  # the first call linted by itself
    return first


def test_a_later_call_is_answered_by_the_server_with_the_same_report(caller: Caller) -> None:
    project = _project(caller.home / "app")
    code, out, err, _ = _warm(caller, project)
    assert code == 1
    assert "Dockerfile:2 DL4000 error: MAINTAINER is deprecated\n" in out

    again = caller.lint("--server", "--no-shellcheck", "Dockerfile", cwd=project)
    assert again[:3] == (code, out, err)
    assert "dockyard.dockerfile" not in again[3]  # answered by the server
    assert len(caller.servers()) == 1


def test_each_caller_gets_its_own_directory_configuration_and_environment(
    caller: Caller,
) -> None:
    plain = _project(caller.home / "plain")
    ignoring = _project(caller.home / "ignoring", "ignored: [DL4000]\n")
    _warm(caller, plain)

    code, out, _, imported = caller.lint("--server", "--no-shellcheck", "Dockerfile", cwd=ignoring)
    assert "dockyard.dockerfile" not in imported
    assert "DL4000" not in out
    assert "Dockerfile:1 DL3006 warning" in out
    assert code == 1

    code, out, _, imported = caller.lint(
        "--server",
        "--no-shellcheck",
        "Dockerfile",
        cwd=plain,
        extra_env={"HADOLINT_IGNORE": "DL3006,DL4000,DL3008,DL3015,DY001,DY004"},
    )
    assert "dockyard.dockerfile" not in imported
    assert "DL3006" not in out
    assert "DL4000" not in out

    code, out, _, _ = caller.lint(
        "--server", "-f", "json", "--no-shellcheck", "-", cwd=plain, stdin="FROM a\n"
    )
    assert code == 1
    assert out.startswith('[{"code":"DL3006","column":1,"file":"-","level":"warning","line":1,')


def test_a_missing_file_is_the_same_one_line_and_exit_code_from_the_server(
    caller: Caller,
) -> None:
    project = _project(caller.home / "app")
    _warm(caller, project)
    code, out, err, imported = caller.lint("--server", "missing/Dockerfile", cwd=project)
    assert "dockyard.dockerfile" not in imported
    assert (code, out, err) == (9, "", "dockyard: error: no such Dockerfile: missing/Dockerfile\n")


def test_what_the_server_does_not_read_goes_through_click(caller: Caller) -> None:
    project = _project(caller.home / "app")
    _warm(caller, project)
    code, out, _, imported = caller.lint("--server", "--help", cwd=project)
    assert code == 0
    assert "Usage: dockyard lint" in out
    assert "click" in imported


def test_an_idle_server_goes_away(caller: Caller) -> None:
    caller.env["DOCKYARD_LINT_SERVER_IDLE"] = "1"
    project = _project(caller.home / "app")
    _warm(caller, project)
    _wait("the idle server to exit", lambda: not caller.sockets() and not caller.servers())
    # and the next call lints by itself, then starts a new one
    code, out, _, imported = caller.lint("--server", "--no-shellcheck", "Dockerfile", cwd=project)
    assert code == 1
    assert "DL4000" in out
    assert "dockyard.dockerfile" in imported


def test_without_the_option_no_server_is_started(caller: Caller) -> None:
    project = _project(caller.home / "app")
    code, _, _, _ = caller.lint("--no-shellcheck", "Dockerfile", cwd=project)
    assert code == 1
    time.sleep(0.5)  # a server, had one been started, binds its socket at once
    assert not caller.sockets()
    assert not caller.servers()
