"""The engine's smoke run: exit code and output kept, offline, bounded in time."""

from __future__ import annotations

from dockyard.engine import Engine, run_smoke
from tests.conftest import TestEnv


def test_output_and_exit_code(engine: Engine, test_env: TestEnv) -> None:
    run = run_smoke(engine, ref=test_env.busybox, command=["sh", "-c", "echo out; exit 3"])
    assert (run.exit_code, run.output) == (3, "out\n")


def test_no_network(engine: Engine, test_env: TestEnv) -> None:
    run = run_smoke(engine, ref=test_env.busybox, command=["ls", "/sys/class/net"])
    assert run.output.split() == ["lo"]


def test_a_command_that_cannot_start(engine: Engine, test_env: TestEnv) -> None:
    run = run_smoke(engine, ref=test_env.busybox, command=["no-such-program"])
    assert run.exit_code == 127
    assert run.output.startswith("cannot start:")


def test_deadline(engine: Engine, test_env: TestEnv) -> None:
    run = run_smoke(engine, ref=test_env.busybox, command=["sleep", "60"], timeout_s=2)
    assert run.exit_code == -1
