"""``dockyard serve``: from a push to a running container, as one long-running process.

``dockyard serve --config serve.yaml`` runs the service; ``dockyard serve token create NAME
--scope read|deploy|admin --config serve.yaml`` makes an API token (printed once, alone on the
last line of stdout). See docs/serve.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from dockyard.cli._app import Application

__all__ = ["command"]

_CONFIG = click.option(
    "-c",
    "--config",
    "config_path",
    envvar="DOCKYARD_SERVE_CONFIG",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="serve.yaml (see docs/serve.example.yaml). Env: DOCKYARD_SERVE_CONFIG.",
)


def _required(config_path: Path | None) -> Path:
    if config_path is None:
        raise click.UsageError("--config FILE is required (or DOCKYARD_SERVE_CONFIG)")
    return config_path


@click.group("serve", invoke_without_command=True)
@_CONFIG
@click.pass_context
def command(ctx: click.Context, config_path: Path | None) -> None:
    """Receive webhooks and polls; build, gate, push, deploy and watch each app's branch."""
    if ctx.invoked_subcommand is not None:
        return
    app: Application = ctx.obj
    from dockyard.serve import run_service

    levels = {0: "info", 1: "info", 2: "debug"}
    ctx.exit(
        run_service(
            _required(config_path),
            environ=app.environ,
            log_level=levels.get(app.verbosity, "debug"),
        )
    )


@command.group("token")
def token() -> None:
    """API tokens (bearer, scopes read < deploy < admin)."""


@token.command("create")
@click.argument("name")
@click.option(
    "--scope",
    type=click.Choice(["read", "deploy", "admin"]),
    required=True,
    help="read: the API's GETs; deploy: also deploy, rollback, /hooks/registry; admin: all.",
)
@_CONFIG
@click.pass_obj
def create(app: Application, name: str, scope: str, config_path: Path | None) -> None:
    """Make a token NAME; it is printed once, alone on the last line, and stored hashed."""
    from dockyard.serve import Scope, token_create

    value = token_create(_required(config_path), name=name, scope=Scope.parse(scope))
    app.say(f"token {name} (scope {scope}) created; it is not shown again:")
    # Not through app.print: redact() would mask the value being handed over.
    app.stdout.write(value + "\n")
    app.stdout.flush()
