"""``dockyard optimize DIR|GIT-URL``: apply the safe fixes, build before and after, prove it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import click

from dockyard.cli._app import Application


@click.command(name="optimize")
@click.argument("source")
@click.option(
    "--file",
    "dockerfile",
    default="Dockerfile",
    show_default=True,
    help="The Dockerfile, relative to the source directory.",
)
@click.option(
    "--smoke",
    default=None,
    metavar="CMD",
    help="Command to run in both images instead of their CMD/ENTRYPOINT.",
)
@click.option(
    "--aggressive", is_flag=True, help="Also build and measure proposals that need judgment."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--markdown", is_flag=True, help="Print the report as Markdown.")
@click.option(
    "--write", is_flag=True, help="Write the fixed Dockerfile if its image passes the smoke check."
)
@click.option(
    "--base-map",
    multiple=True,
    metavar="FROM=TO",
    help="A base image to try instead of another (repeatable, with --aggressive).",
)
@click.option(
    "--network",
    "network_mode",
    default=None,
    metavar="MODE",
    help="Network of the build steps, e.g. host when apt needs the host's network.",
)
@click.pass_obj
def command(
    app: Application,
    source: str,
    dockerfile: str,
    smoke: str | None,
    aggressive: bool,
    as_json: bool,
    markdown: bool,
    write: bool,
    base_map: tuple[str, ...],
    network_mode: str | None,
) -> None:
    """Fix SOURCE's Dockerfile, build the original and the fixed one, and compare them."""
    from dockyard.engine import Engine
    from dockyard.errors import UsageError
    from dockyard.optimize import (
        optimize_dir,
        parse_base_map,
        render_markdown,
        render_text,
        tag_name,
    )

    if as_json and markdown:
        raise UsageError("--json and --markdown exclude each other")
    mapping = parse_base_map(base_map)
    local = Path(source).expanduser()
    name = tag_name(
        local.resolve() if local.is_dir() else Path(source.rstrip("/").removesuffix(".git"))
    )
    with _source_dir(source) as directory, Engine() as engine:
        report = optimize_dir(
            engine,
            context_dir=directory,
            dockerfile=dockerfile,
            smoke=smoke,
            aggressive=aggressive,
            network_mode=network_mode,
            base_map=mapping,
            write=write,
            environ=app.environ,
            name=name,
            say=app.say,
        )
    if as_json:
        app.print(json.dumps(report.to_json(), indent=2))
    elif markdown:
        app.print(render_markdown(report))
    else:
        app.print(render_text(report))
    if report.after.smoke is None or not report.after.smoke.passed:
        raise click.exceptions.Exit(1)


@contextlib.contextmanager
def _source_dir(source: str) -> Iterator[Path]:
    """A local directory as it is; anything else is cloned as a git repository."""
    local = Path(source).expanduser()
    if local.is_dir():
        yield local
        return
    from dockyard.build import checkout

    with checkout(source) as tree:
        yield tree.path
