"""``dockyard lsp``: the Language Server for Dockerfiles, over standard input/output or TCP.

pygls loads only here, when the server starts, so other commands do not pay for it.
"""

from __future__ import annotations

import click

from dockyard.cli._app import Application

__all__ = ["command"]


def _address(value: str | None) -> tuple[str, int] | None:
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
@click.option("--tcp", "tcp", metavar="HOST:PORT", help="Listen on a TCP address instead.")
@click.pass_obj
def command(app: Application, stdio: bool, tcp: str | None) -> None:
    """Serve lint diagnostics, fixes and rule explanations to an editor (LSP)."""
    address = _address(tcp)
    if stdio and address is not None:
        raise click.UsageError("choose one of --stdio and --tcp")
    from dockyard.lsp import create_server

    server = create_server(environ=app.environ)
    if address is None:
        server.start_io()
    else:
        server.start_tcp(*address)
