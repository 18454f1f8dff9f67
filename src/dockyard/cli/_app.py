"""The one object every command receives on the click context."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, TYPE_CHECKING, NoReturn

from dockyard.errors import DockyardError
from dockyard.secrets import redact

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["Application", "abort"]


@dataclass
class Application:
    """Output streams and environment, injected so output tests compare exact strings."""

    verbosity: int = 0
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    # False for commands that never log (``lint``): their start-up skips importing logging.
    configure_logging: bool = True

    def __post_init__(self) -> None:
        if not self.configure_logging:
            return
        import logging

        level = logging.WARNING - 10 * self.verbosity
        logging.basicConfig(
            level=max(level, logging.DEBUG),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=self.stderr,
        )

    @cached_property
    def console(self) -> Console:
        """rich is imported only by commands that draw with it: `dockyard lint` starts faster."""
        from rich.console import Console

        return Console(file=self.stdout, highlight=False, soft_wrap=True)

    @cached_property
    def err_console(self) -> Console:
        from rich.console import Console

        return Console(file=self.stderr, highlight=False, soft_wrap=True)

    @property
    def interactive(self) -> bool:
        """A live display only on a terminal; plain lines in CI, pipes and logs."""
        return self.stderr.isatty() and self.environ.get("CI", "").lower() not in ("1", "true")

    def say(self, message: str) -> None:
        """A progress or status line for a person (stderr, so stdout stays machine-readable)."""
        self.stderr.write(redact(message) + "\n")
        self.stderr.flush()

    def print(self, text: str) -> None:
        self.stdout.write(redact(text) + ("" if text.endswith("\n") else "\n"))
        self.stdout.flush()


def abort(message: str, code: int = 1) -> NoReturn:
    """Stop the command with one line and ``code``: for expected failures found in the CLI layer."""
    error = DockyardError(message)
    error.exit_code = code
    raise error
