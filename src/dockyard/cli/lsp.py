"""``dockyard lsp``: the Language Server for Dockerfiles, over standard input/output or TCP.

pygls loads only here, when the server starts, so other commands do not pay for it.
"""

from __future__ import annotations

import os

import click

from dockyard.cli._app import Application, abort

__all__ = ["command"]


def _address(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, int] | None:
    del ctx, param
    if value is None:
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter(f"{value!r} is not HOST:PORT (e.g. 127.0.0.1:2087)")
    return host, int(port)


@click.command("lsp")
@click.option(
    "--stdio", is_flag=True, help="Speak over standard input/output (the default; editors add it)."
)
@click.option(
    "--tcp",
    "address",
    metavar="HOST:PORT",
    callback=_address,
    help="Listen on a TCP address instead.",
)
@click.pass_obj
def command(app: Application, stdio: bool, address: tuple[str, int] | None) -> None:
    """Serve lint diagnostics, fixes and rule explanations to an editor (LSP)."""
    if stdio and address is not None:
        raise click.UsageError("choose one of --stdio and --tcp")
    from dockyard.lsp import create_server

    server = create_server(environ=app.environ)
    if address is None:
        server.start_io()
        return
    host, port = address
    try:
        server.start_tcp(host, port)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        abort(f"cannot listen on {host}:{port}: {reason}")
