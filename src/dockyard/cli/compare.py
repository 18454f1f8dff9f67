"""``dockyard compare A B``: two images side by side (text, JSON, Markdown, a bar chart)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dockyard.cli._app import Application

__all__ = ["command"]


@click.command("compare")
@click.argument("image_a")
@click.argument("image_b")
@click.option(
    "--source",
    type=click.Choice(["engine", "registry", "archive"]),
    help="Where to read both images; guessed per image when omitted.",
)
@click.option("--platform", help="For multi-platform images in a registry, e.g. linux/amd64.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--markdown", is_flag=True, help="Print the comparison as Markdown.")
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also draw both images' layer sizes as bars into FILE.png or FILE.svg.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the per-layer cache.")
@click.pass_obj
def command(
    app: Application,
    image_a: str,
    image_b: str,
    source: str | None,
    platform: str | None,
    as_json: bool,
    markdown: bool,
    chart: Path | None,
    no_cache: bool,
) -> None:
    """Compare IMAGE_A and IMAGE_B: sizes, layers only in one, efficiency, files that differ."""
    from dockyard.cli.inspect import inspect_for_cli
    from dockyard.errors import UsageError
    from dockyard.image import compare_markdown, compare_reports, render_compare

    if as_json and markdown:
        raise UsageError("choose one of --json and --markdown")
    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise UsageError(f"--chart {chart}: the file name must end in .png or .svg")
    a, a_files = inspect_for_cli(app, image_a, source=source, platform=platform, no_cache=no_cache)
    b, b_files = inspect_for_cli(app, image_b, source=source, platform=platform, no_cache=no_cache)
    comparison = compare_reports(a, a_files, b, b_files)
    if chart is not None:
        from dockyard.image import draw_layer_chart

        draw_layer_chart(comparison, chart)
        app.say(f"chart written to {chart}")
    if as_json:
        app.print(json.dumps(comparison, indent=2))
    elif markdown:
        app.print(compare_markdown(comparison))
    else:
        render_compare(app.console, comparison)
