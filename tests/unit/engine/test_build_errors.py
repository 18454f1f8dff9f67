"""An engine's Dockerfile parse error is the user's input error (exit 9), on every engine."""

from __future__ import annotations

import pytest

from dockyard.engine._build import _failure
from dockyard.errors import BuildError, DockerfileError

COPY = (
    "COPY requires at least two arguments, but only one was provided. "
    "Destination could not be determined"
)


@pytest.mark.parametrize(
    "error",
    [
        f"failed to solve: dockerfile parse error line 2: {COPY}",  # Engine 20.10's BuildKit
        f"dockerfile parse error on line 2: {COPY}",  # Engine 28's
    ],
    ids=["20.10", "28"],
)
def test_a_parse_error_names_its_line(error: str) -> None:
    failure = _failure(error, where="", tail=[])
    assert isinstance(failure, DockerfileError)
    assert (failure.line, failure.exit_code) == (2, 9)
    assert failure.message.endswith(f":2: {COPY}")


def test_a_failing_step_is_a_build_error() -> None:
    failure = _failure(
        'process "/bin/sh -c exit 7" did not complete successfully', where="", tail=[]
    )
    assert isinstance(failure, BuildError)
    assert failure.exit_code == 10
