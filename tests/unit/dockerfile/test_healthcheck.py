"""HEALTHCHECK in the model, and BuildKit's refusals of it."""

from __future__ import annotations

import re

import pytest

from dockyard.dockerfile import parse
from dockyard.dockerfile._healthcheck import parse_go_duration
from dockyard.dockerfile._model import Healthcheck, HealthcheckKind
from dockyard.errors import DockerfileError


def healthcheck(line: str) -> Healthcheck | None:
    return parse(f"FROM a\n{line}\n").instructions[1].healthcheck


def test_exec_form_with_every_option() -> None:
    found = healthcheck(
        "HEALTHCHECK --interval=1m30s --timeout=5s --start-period=0 --start-interval=500ms"
        ' --retries=4 CMD ["curl", "-f", "http://localhost/"]'
    )
    assert found == Healthcheck(
        kind=HealthcheckKind.CMD,
        command=["curl", "-f", "http://localhost/"],
        interval=90.0,
        timeout=5.0,
        start_period=0.0,
        start_interval=0.5,
        retries=4,
    )


def test_shell_form_keeps_the_line_and_leaves_options_unset() -> None:
    found = healthcheck("HEALTHCHECK cmd curl -f http://localhost/ || exit 1")
    assert found == Healthcheck(
        kind=HealthcheckKind.CMD_SHELL, shell_command="curl -f http://localhost/ || exit 1"
    )


def test_none_switches_the_check_off() -> None:
    assert healthcheck("HEALTHCHECK none") == Healthcheck(kind=HealthcheckKind.NONE)


def test_other_instructions_have_no_healthcheck() -> None:
    assert healthcheck("CMD curl x") is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("HEALTHCHECK", "HEALTHCHECK requires at least one argument"),
        ("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments"),
        ("HEALTHCHECK RUN x", 'Unknown type "RUN" in HEALTHCHECK (try CMD)'),
        ("HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD"),
        ("HEALTHCHECK CMD []", "Missing command after HEALTHCHECK CMD"),
        ("HEALTHCHECK --interval=5 CMD x", 'time: invalid duration "5"'),
        ("HEALTHCHECK --timeout=10us CMD x", 'Interval "timeout" cannot be less than 1ms'),
        ("HEALTHCHECK --retries=-1 CMD x", "--retries cannot be negative (-1)"),
        ("HEALTHCHECK --retries=two CMD x", 'parsing "two": invalid syntax'),
        ("HEALTHCHECK --every=5s CMD x", "Unknown flag: every"),
    ],
)
def test_what_buildkit_refuses_is_a_parse_error(line: str, message: str) -> None:
    with pytest.raises(DockerfileError, match=re.escape(message)):
        parse(f"FROM a\n{line}\n")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0", 0.0), ("1h", 3600.0), ("1.5m", 90.0), ("2h45m", 9900.0), ("300ms", 0.3), (".5s", 0.5)],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5", "1d", "s", "1.5.5s", "1h 2m"])
def test_what_go_does_not_call_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_go_duration(text)
