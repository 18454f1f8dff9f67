"""Lint reports in the formats hadolint writes, byte for byte where hadolint defines them.

``render(fmt, results)`` returns the whole report as one string (no trailing newline): ``tty``
(``file:line CODE level: message``, colour on request), ``json``, ``sarif`` (2.1.0),
``checkstyle`` and ``gitlab_codeclimate``. Each format lives in its own module and is imported only
when used.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from dockyard.dockerfile._lint import FileResult

__all__ = ["FORMATS", "render"]

FORMATS: dict[str, str] = {
    "tty": "dockyard.dockerfile.formatters._tty",
    "json": "dockyard.dockerfile.formatters._json",
    "sarif": "dockyard.dockerfile.formatters._sarif",
    "checkstyle": "dockyard.dockerfile.formatters._checkstyle",
    "gitlab_codeclimate": "dockyard.dockerfile.formatters._codeclimate",
}


def render(fmt: str, results: Sequence[FileResult], *, color: bool = False) -> str:
    module = importlib.import_module(FORMATS[fmt])
    text: str = module.render(results, color=color)
    return text
