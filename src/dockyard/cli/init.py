"""``dockyard init [DIR]``: write a Dockerfile, .dockerignore and, on request, CI and compose files.

Only options here: detection, templates and writing live in :mod:`dockyard.scaffold`.
"""

from __future__ import annotations

from pathlib import Path

import click

from dockyard.cli._app import Application

__all__ = ["command"]


@click.command("init")
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--ci",
    type=click.Choice(["github", "gitlab", "gitea"]),
    help="Also write the CI file that builds and pushes the image.",
)
@click.option(
    "--deploy",
    type=click.Choice(["serve", "heroku"]),
    help="With --ci: a deploy job (notify dockyard serve, or release on Heroku).",
)
@click.option("--heroku-app", metavar="NAME", help="With --deploy heroku: the Heroku app.")
@click.option("--compose", is_flag=True, help="Also write compose.yaml with dockyard watch.")
@click.option("--port", type=click.IntRange(1, 65535), help="The port the app listens on.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.pass_context
def command(
    ctx: click.Context,
    directory: Path,
    ci: str | None,
    deploy: str | None,
    heroku_app: str | None,
    compose: bool,
    port: int | None,
    force: bool,
) -> None:
    """Detect DIR's stack (. by default) and write a Dockerfile and .dockerignore for it."""
    from dockyard.errors import UsageError
    from dockyard.scaffold import (
        CiProvider,
        DeployTarget,
        InitOptions,
        detect_stack,
        plan_files,
        read_project,
        socket_group,
        write_files,
    )

    app: Application = ctx.obj
    if deploy and not ci:
        raise UsageError("--deploy needs --ci: the deploy job is part of the CI file")
    root = directory.resolve()
    stack = detect_stack(read_project(root), dirname=root.name)
    app.say(f"detected: {stack.kind.label} ({stack.evidence}), app {stack.name}")
    for note in stack.notes:
        app.say(f"note: {note}")
    gid = 0
    if compose:
        socket = app.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        found = socket_group(Path(socket.removeprefix("unix://")))
        if found is None:
            app.say("note: no engine socket here: compose.yaml's group_add says 0; set DOCKER_GID")
        gid = found or 0
    options = InitOptions(
        ci=CiProvider(ci) if ci else None,
        deploy=DeployTarget(deploy) if deploy else DeployTarget.NONE,
        compose=compose,
        port=port,
        heroku_app=heroku_app,
        socket_gid=gid,
    )
    files = plan_files(stack, options)
    write_files(root, files, force=force)
    for item in files:
        app.print(f"wrote {item.path}")
