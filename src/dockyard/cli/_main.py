"""The click group of ``dockyard`` and its entry point (see :mod:`dockyard.cli`)."""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import signal
import sys
from typing import NoReturn

import click

from dockyard import __version__
from dockyard.cli._app import Application
from dockyard.errors import DockyardError, error_line

__all__ = ["COMMANDS", "LazyGroup", "cli", "main"]

# Explicit registry of commands: name -> module under dockyard.cli. No magic discovery.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("dockyard.cli.build", "Clone a git repository, build its Dockerfile, tag and push."),
    "deploy": ("dockyard.cli.deploy", "Deploy an image by digest to containers, services, pods."),
    "demo": ("dockyard.cli.demo", "Create a sample repository, build it and push it locally."),
    "init": ("dockyard.cli.init", "Write a Dockerfile, .dockerignore, CI and compose files."),
    "diagram": ("dockyard.cli.diagram", "Draw what runs where: compose, swarm or Kubernetes."),
    "lint": ("dockyard.cli.lint", "Check Dockerfiles against hadolint's and dockyard's rules."),
    "lsp": ("dockyard.cli.lsp", "Serve lint findings, fixes and rule help to an editor (LSP)."),
    "inspect": ("dockyard.cli.inspect", "Show an image's layers, history and wasted space."),
    "compare": ("dockyard.cli.compare", "Compare two images layer by layer."),
    "optimize": ("dockyard.cli.optimize", "Apply the safe fixes, build before/after, prove it."),
    "watch": ("dockyard.cli.watch", "Keep running containers on the newest image of their tag."),
    "serve": ("dockyard.cli.serve", "Push to running container: webhooks, builds, deploys, API."),
}


# Short commands that never log: their start-up (one file in an editor or a pre-commit hook) skips
# importing and configuring logging, and they run with the collector off (see dockyard._start).
_SILENT_COMMANDS = frozenset({"lint"})


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, so ``dockyard lint`` starts fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (module, _) in COMMANDS.items() if _available(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _available(entry[0]):
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dockyard")
@click.option("-v", "--verbose", count=True, help="More detail in logs (repeatable).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """dockyard: from git push to a small, non-root, up-to-date running container."""
    short = ctx.invoked_subcommand in _SILENT_COMMANDS
    if not short:
        gc.enable()  # off during start-up (dockyard._start); long-running commands need it
    ctx.obj = Application(verbosity=verbose, configure_logging=not short)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the console script: one line and a documented exit code per failure."""
    if os.getpid() == 1:
        # As a container's init, SIGTERM (`docker stop`) would be ignored until SIGKILL:
        # treat it as an interrupt. `watch` installs its own, gentler handler.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(_run(argv))


def _run(argv: list[str] | None) -> int:
    try:
        result = cli.main(args=argv, prog_name="dockyard", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("dockyard: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except DockyardError as exc:
        click.echo(error_line(exc), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("dockyard: interrupted", err=True)
        return 130
    finally:
        gc.freeze()  # the process ends now: interpreter shutdown need not sweep these objects
    return result if isinstance(result, int) else 0
