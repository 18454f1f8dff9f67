"""Glue for the CLI: connect the engine and the registry, pick a reporter, run the pipeline."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from dockyard.engine import Engine

from dockyard.build._pipeline import BuildOptions, BuildOutcome, Reporter, run_build, start_lookup
from dockyard.build._progress import LiveReporter, PlainReporter
from dockyard.errors import BuildError

__all__ = ["build_command"]


def build_command(
    *,
    options: BuildOptions,
    say: Callable[[str], None],
    console: Console,
    interactive: bool,
    environ: Mapping[str, str],
) -> BuildOutcome:
    """Run one build; on a failed build the tail of its log goes to ``say`` before the error."""
    lookup = start_lookup(options)  # git ls-remote runs while the registry client is imported
    from dockyard.build._registry import open_registry

    reporter: LiveReporter | PlainReporter = (
        LiveReporter(console) if interactive else PlainReporter(say)
    )
    engines: list[Engine] = []

    def connect() -> Engine:
        from dockyard.engine import Engine as Connected

        engines.append(Connected())
        return engines[-1]

    with open_registry(environ=environ, needed=options.push) as registry, reporter:
        try:
            return run_build(
                connect,
                options=options,
                reporter=_as_reporter(reporter),
                registry=registry,
                lookup=lookup,
            )
        except BuildError as exc:
            if exc.log_tail:
                say("last lines of the build log:")
                for line in exc.log_tail:
                    say(f"  | {line}")
            raise
        finally:
            for engine in engines:
                engine.close()


def _as_reporter(reporter: LiveReporter | PlainReporter) -> Reporter:
    return reporter
