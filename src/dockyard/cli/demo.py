"""``dockyard demo``: make a sample repository, build and push it, run the pushed image once."""

from __future__ import annotations

import json

import click

from dockyard.cli._app import Application

__all__ = ["command"]


@click.command(name="demo")
@click.option("--registry", default="127.0.0.1:5000", show_default=True, help="Push here.")
@click.option("--base", default="local/busybox:1", show_default=True, help="Base image.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
@click.pass_obj
def command(app: Application, registry: str, base: str, as_json: bool) -> None:
    """Build a sample app from a fresh git repository and push it to REGISTRY."""
    from dockyard.build import run_demo

    result = run_demo(
        registry=registry,
        base=base,
        say=app.say,
        console=app.err_console,
        interactive=app.interactive,
        environ=app.environ,
    )
    outcome = result.outcome
    if as_json:
        app.print(json.dumps({**outcome.as_json(), "output": result.output}))
        return
    app.print(f"built {outcome.image} from a new git repository ({outcome.revision[:12]})")
    app.print(f"tags      {', '.join(outcome.tags)}")
    app.print(f"digest    {outcome.digest}  (as the registry serves it for every tag)")
    app.print(f"size      {outcome.size_bytes / 1e6:.1f} MB")
    app.print(f"duration  {outcome.duration_s:.1f} s")
    app.print("output of one run of the pushed image:")
    for line in result.output.splitlines():
        app.print(f"  {line}")
