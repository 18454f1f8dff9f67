"""The process runner: a pipeline run in a child process writes into the same store, and the
server learns only its outcome. The child here meets a registry that is not listening, which it
reports before it needs the engine."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest

from dockyard.registry import CredentialStore
from dockyard.serve import ServeConfig
from dockyard.serve._inbox import StoreSink
from dockyard.serve._pipeline import Stage
from dockyard.serve._runner import (
    LazyDeployer,
    Outcome,
    ProcessRunner,
    child_failure,
    pipeline_context,
)
from dockyard.serve._store import Store

COMMIT = "c" * 40


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_outcome_reads_back_as_written() -> None:
    outcome = Outcome(final=Stage.ROLLED_BACK, last=Stage.ROLLED_BACK)
    assert Outcome.loads(outcome.dumps()) == outcome


def test_a_child_without_an_outcome_says_how_it_ended() -> None:
    assert child_failure(-signal.SIGKILL) == "the build's process was killed (SIGKILL)"
    assert child_failure(3) == "the build's process exited with status 3 before it finished"


def test_a_run_in_a_child_writes_its_stages_and_log_into_the_store(tmp_path: Path) -> None:
    port = _closed_port()
    config = ServeConfig.model_validate(
        {
            "state_dir": str(tmp_path),
            "apps": {
                "web": {
                    "repo": "https://git.example/you/web.git",
                    "image": f"127.0.0.1:{port}/you/web",
                }
            },
        }
    )
    store = Store.open(config.database_url())
    try:
        build_id = store.add_build(
            app="web", commit=COMMIT, trigger="github", delivery_id="d1", now=1.0
        )
        credentials = CredentialStore.from_environment(environ={})
        runner = ProcessRunner(
            pipeline_context(
                config.state_dir,
                deployer=LazyDeployer(tmp_path / "deploy", credentials=credentials),
            ),
            database_url=config.database_url(),
            state_dir=config.state_dir,
            environ=os.environ,
        )
        sink = StoreSink(store, build_id=build_id, app="web", commit=COMMIT)
        final = runner.run_pipeline(config.apps["web"], commit=COMMIT, sink=sink, previous=None)

        assert final is Stage.FAILED
        assert sink.last is Stage.FAILED  # the server does not write the final stage again
        build = store.get_build(build_id)
        assert build is not None
        assert build.status is Stage.FAILED
        assert build.reason is not None
        assert f"127.0.0.1:{port}" in build.reason
        lines = [entry.line for entry in store.log_lines(build_id)]
        assert f"checking push access to 127.0.0.1:{port}/you/web" in lines
        stages = [stage for stage, _at in store.stage_times([build_id])[build_id]]
        assert stages.count(Stage.FAILED) == 1
    finally:
        store.close()


@pytest.mark.parametrize("returncode", [-signal.SIGTERM, 1])
def test_a_child_failure_names_the_signal_or_status(returncode: int) -> None:
    line = child_failure(returncode)
    assert ("SIGTERM" in line) == (returncode < 0)
    assert ("status 1" in line) == (returncode > 0)
