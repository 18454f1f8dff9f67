"""HEALTHCHECK read as BuildKit reads it: its options, and ``NONE`` or a ``CMD`` in either form.

BuildKit (``instructions/parse.go``): ``HEALTHCHECK NONE`` takes nothing after it;
otherwise the first word must be ``CMD`` (any case), followed by a command, kept as an exec
array (``CMD``) or a shell line (``CMD-SHELL``). The options are ``--interval``, ``--timeout``,
``--start-period`` and ``--start-interval`` (Go durations, ``0`` or at least 1 ms) and
``--retries`` (a non-negative integer); any other option is an error.
"""

from __future__ import annotations

import json
import re

from dockyard.dockerfile._model import Flag, Healthcheck, HealthcheckKind

__all__ = ["HealthcheckError", "parse_go_duration", "parse_healthcheck"]

_DURATION_FLAGS = ("interval", "timeout", "start-period", "start-interval")
_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_MINIMUM = 1e-3


class HealthcheckError(ValueError):
    """BuildKit's message for a HEALTHCHECK it refuses."""


def parse_go_duration(text: str) -> float:
    """Seconds of a Go duration (``1m30s``, ``1.5h``, ``300ms``, ``0``); ValueError otherwise."""
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0.0
    if not body:
        raise ValueError(f"time: invalid duration {json.dumps(text)}")
    total = 0.0
    position = 0
    while position < len(body):
        match = _PART.match(body, position)
        if match is None:
            raise ValueError(f"time: invalid duration {json.dumps(text)}")
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    return -total if text.startswith("-") else total


def parse_healthcheck(
    flags: list[Flag], arguments: str, *, json_args: list[str] | None
) -> Healthcheck:
    """The HEALTHCHECK of ``arguments`` (after the options) with its ``flags``; ``json_args`` is
    the exec form of what follows ``CMD`` when it is a JSON array."""
    kind_word, command = [*arguments.split(maxsplit=1), "", ""][:2]
    kind_text = kind_word.upper()
    if not kind_text:
        raise HealthcheckError("HEALTHCHECK requires at least one argument")
    if kind_text == "NONE":
        if command.strip():
            raise HealthcheckError("HEALTHCHECK NONE takes no arguments")
        return Healthcheck(kind=HealthcheckKind.NONE)
    options: dict[str, str] = {}
    for flag in flags:
        if flag.name not in (*_DURATION_FLAGS, "retries"):
            raise HealthcheckError(f"Unknown flag: {flag.name}")
        options[flag.name] = flag.value or ""
    if kind_text != "CMD":
        raise HealthcheckError(f'Unknown type "{kind_text}" in HEALTHCHECK (try CMD)')
    if json_args is not None:
        if not json_args:
            raise HealthcheckError("Missing command after HEALTHCHECK CMD")
        kind, words, line = HealthcheckKind.CMD, list(json_args), ""
    else:
        if not command.strip():
            raise HealthcheckError("Missing command after HEALTHCHECK CMD")
        kind, words, line = HealthcheckKind.CMD_SHELL, [], command.strip()
    durations = {name: _duration(name, options.get(name, "")) for name in _DURATION_FLAGS}
    return Healthcheck(
        kind=kind,
        command=words,
        shell_command=line,
        interval=durations["interval"],
        timeout=durations["timeout"],
        start_period=durations["start-period"],
        start_interval=durations["start-interval"],
        retries=_retries(options.get("retries", "")),
    )


def _duration(name: str, value: str) -> float | None:
    if value == "":
        return None
    try:
        seconds = parse_go_duration(value)
    except ValueError as exc:
        raise HealthcheckError(str(exc)) from None
    if seconds == 0:
        return 0.0
    if seconds < _MINIMUM:
        raise HealthcheckError(f"Interval {json.dumps(name)} cannot be less than 1ms")
    return seconds


def _retries(value: str) -> int | None:
    if value == "":
        return None
    try:
        retries = int(value, 10)
    except ValueError:
        raise HealthcheckError(
            f"strconv.ParseInt: parsing {json.dumps(value)}: invalid syntax"
        ) from None
    if retries < 0:
        raise HealthcheckError(f"--retries cannot be negative ({retries})")
    return retries
