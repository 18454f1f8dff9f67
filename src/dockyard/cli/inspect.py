"""``dockyard inspect IMAGE``: layers, history, sizes, wasted space and provenance of one image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from dockyard.cli._app import Application

__all__ = ["command", "inspect_for_cli"]

_TRUE = ("1", "t", "true", "y", "yes", "on")  # what dive's strconv.ParseBool accepts, and more


@click.command("inspect")
@click.argument("image")
@click.option(
    "--source",
    type=click.Choice(["engine", "registry", "archive"]),
    help="Where to read IMAGE; guessed when omitted (a file, then the engine, then a registry).",
)
@click.option("--platform", help="For multi-platform images in a registry, e.g. linux/amd64.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option(
    "--ci", is_flag=True, help="Check dive's CI rules (also when CI=true); exit 1 on failure."
)
@click.option(
    "--ci-config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".dive-ci"),
    show_default=True,
    help="dive-compatible rules: lowestEfficiency, highestWastedBytes, highestUserWastedPercent.",
)
@click.option(
    "--base",
    "base_image",
    help="The FROM image (in the engine), to mark its layers; 'auto' finds it by layer digests.",
)
@click.option(
    "--dockerfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Line the history up with this Dockerfile's instructions.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the per-layer cache.")
@click.option("--top", default=10, show_default=True, help="Rows in the file tables.")
@click.pass_obj
def command(
    app: Application,
    image: str,
    source: str | None,
    platform: str | None,
    as_json: bool,
    ci: bool,
    ci_config: Path,
    base_image: str | None,
    dockerfile: Path | None,
    no_cache: bool,
    top: int,
) -> int:
    """Show IMAGE's layers, history, largest and wasted files, with dive's efficiency figures."""
    report, _ = inspect_for_cli(
        app,
        image,
        source=source,
        platform=platform,
        base_image=base_image,
        dockerfile=dockerfile,
        no_cache=no_cache,
    )
    ci_mode = ci or app.environ.get("CI", "").strip().lower() in _TRUE
    failed = False
    if ci_mode:
        from dockyard.image import check_ci

        results, used, failed = check_ci(report, ci_config)
        if not as_json:
            from dockyard.image import render_ci  # rich only for text output

            render_ci(app.console, report, results, config=used)
    if as_json:
        app.print(json.dumps(report, indent=2))
    elif not ci_mode:
        from dockyard.image import render_inspect

        render_inspect(app.console, report, top=top)
    return 1 if failed else 0


def inspect_for_cli(
    app: Application,
    image: str,
    *,
    source: str | None,
    platform: str | None = None,
    base_image: str | None = None,
    dockerfile: Path | None = None,
    no_cache: bool = False,
) -> tuple[dict[str, Any], dict[str, int]]:
    """``inspect`` and ``compare`` options handed to :func:`dockyard.image.image_report`."""
    from dockyard.image import image_report

    return image_report(
        image,
        source=source,
        environ=app.environ,
        platform=platform,
        base_image=base_image,
        dockerfile=_instructions(dockerfile) if dockerfile else None,
        no_cache=no_cache,
    )


def _instructions(path: Path) -> list[tuple[str, int, str]]:
    from dockyard.dockerfile import parse

    parsed = parse(path.read_text(encoding="utf-8"), path=str(path))
    if not parsed.stages:
        return []
    return [(i.keyword.upper(), i.start_line, i.raw) for i in parsed.stages[-1].instructions]
