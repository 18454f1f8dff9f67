"""``dockyard build``: clone a git repository, build its Dockerfile with BuildKit, tag, push."""

from __future__ import annotations

import json

import click

from dockyard.cli._app import Application, abort

__all__ = ["command", "parse_build_args"]


def parse_build_args(values: tuple[str, ...], environ: dict[str, str]) -> dict[str, str]:
    """``K=V`` pairs; a bare ``K`` takes its value from the environment, like ``docker build``."""
    result: dict[str, str] = {}
    for value in values:
        name, sep, content = value.partition("=")
        if not name:
            abort(f"--build-arg {value!r}: expected NAME=VALUE", 2)
        if not sep:
            if name not in environ:
                continue
            content = environ[name]
        result[name] = content
    return result


@click.command(name="build")
@click.argument("source")
@click.option("--image", required=True, help="Repository to tag and push, e.g. registry/me/app.")
@click.option("--ref", default=None, help="Branch, tag or commit (default: the default branch).")
@click.option("--file", "file", default=None, help="Dockerfile path inside the repository.")
@click.option("--context", default=".", show_default=True, help="Build context inside the repo.")
@click.option("--tag", "tags", multiple=True, help="Extra tag (repeatable).")
@click.option("--build-arg", "build_args", multiple=True, help="NAME=VALUE (repeatable).")
@click.option("--platform", default=None, help="Target platform, e.g. linux/amd64.")
@click.option("--push", is_flag=True, help="Push every tag and report the registry's digest.")
@click.option("--force", is_flag=True, help="Build even if these inputs were built before.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
@click.option(
    "--secret",
    "secrets",
    multiple=True,
    metavar="id=NAME,src=FILE|env=VAR",
    help="A BuildKit secret for RUN --mount=type=secret,id=NAME (repeatable); never a build arg.",
)
@click.option(
    "--network",
    type=click.Choice(["default", "host", "none"]),
    default="default",
    show_default=True,
    help="Network for RUN steps (host: reach package mirrors through the host).",
)
@click.pass_obj
def command(
    app: Application,
    source: str,
    image: str,
    ref: str | None,
    file: str | None,
    context: str,
    tags: tuple[str, ...],
    build_args: tuple[str, ...],
    platform: str | None,
    push: bool,
    force: bool,
    as_json: bool,
    network: str,
    secrets: tuple[str, ...],
) -> None:
    """Build SOURCE (a git URL or a local work tree) and tag it as docker/metadata-action does."""
    from dockyard.build import BuildOptions, build_command, parse_secret, read_secrets

    options = BuildOptions(
        source=source,
        image=image,
        ref=ref,
        file=file,
        context=context,
        tags=tags,
        build_args=parse_build_args(build_args, app.environ),
        platform=platform,
        push=push,
        force=force,
        network_mode=None if network == "default" else network,
        secrets=read_secrets([parse_secret(s) for s in secrets], environ=app.environ),
    )
    outcome = build_command(
        options=options,
        say=app.say,
        console=app.err_console,
        interactive=app.interactive,
        environ=app.environ,
    )
    if as_json:
        app.print(json.dumps(outcome.as_json()))
        return
    app.print(f"image     {outcome.image}")
    app.print(f"tags      {', '.join(outcome.tags)}")
    app.print(f"revision  {outcome.revision}")
    if outcome.digest:
        app.print(f"digest    {outcome.digest}")
    app.print(f"size      {outcome.size_bytes} bytes")
    skipped = " (skipped: already built)" if outcome.skipped else ""
    app.print(f"duration  {outcome.duration_s:.1f} s{skipped}")
