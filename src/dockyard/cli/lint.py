"""``dockyard lint``: hadolint's rules, dockyard's own and ShellCheck, on many files at once.

Options, config files, pragmas, formats and exit codes are hadolint's, so ``dockyard lint`` can
replace ``hadolint`` in a CI job: 1 when a finding is at or above ``--failure-threshold`` (info by
default) or a file does not parse (reported as ``DL1000``), else 0; ``--no-fail`` always gives 0.
The options are declared once, in ``dockyard.cli._lint_run`` (a plain one-file run is read there
without click, see :mod:`dockyard._start`); heavy modules load only when needed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dockyard.cli._app import Application
from dockyard.cli._lint_run import (
    OPTIONS,
    LintOptions,
    OptionKind,
    OptionSpec,
    lint_config,
    read_sources,
    report,
)

__all__ = ["command"]


def _click_option(spec: OptionSpec) -> Callable[[Any], Any]:
    if spec.kind is OptionKind.FLAG:
        return click.option(*spec.flags, spec.dest, is_flag=True, help=spec.help)
    kind: Any = None  # click's default: a string
    if spec.choices:
        kind = click.Choice(spec.choices, case_sensitive=spec.case_sensitive)
    elif spec.path:
        kind = click.Path(dir_okay=False, path_type=Path)
    return click.option(
        *spec.flags,
        spec.dest,
        type=kind,
        multiple=spec.kind is OptionKind.MULTIPLE,
        metavar=spec.metavar,
        help=spec.help,
    )


def _with_options(function: Callable[..., None]) -> Callable[..., None]:
    for spec in reversed(OPTIONS):
        function = _click_option(spec)(function)
    return function


@click.command("lint")
@click.argument("files", nargs=-1, type=str)
@_with_options
@click.pass_context
def command(ctx: click.Context, /, files: tuple[str, ...], **values: Any) -> None:
    """Check Dockerfiles (FILE..., or - for standard input; ./Dockerfile by default)."""
    app: Application = ctx.obj
    options = LintOptions(files=files, **values)
    config = lint_config(options, environ=app.environ)
    sources = read_sources(options.files)
    if options.fix or options.diff:
        from dockyard.cli._lint_fix import fix_sources

        sources, changed = fix_sources(
            app, sources, diff=options.diff, pin=options.pin, config=config
        )
        if options.diff:
            ctx.exit(1 if changed else 0)
    code = report(sources, config=config, stdout=app.stdout, stderr=app.stderr)
    if code:
        ctx.exit(code)
