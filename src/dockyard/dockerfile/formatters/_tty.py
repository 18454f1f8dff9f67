"""``file:line CODE level: message``, one finding a line, files one after another (hadolint's
TTY format); the level is coloured as hadolint colours it when the output is a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from dockyard.dockerfile._findings import Finding, Severity
from dockyard.dockerfile._lint import FileResult

__all__ = ["render"]

_COLOURS = {
    Severity.ERROR: "\x1b[1m\x1b[91m",
    Severity.WARNING: "\x1b[1m\x1b[93m",
    Severity.INFO: "\x1b[92m",
    Severity.STYLE: "\x1b[96m",
}
_RESET = "\x1b[0m"


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    groups = [
        "\n".join(_line(f, color=color) for f in result.findings)
        for result in results
        if result.findings
    ]
    return ("\n\n" if color else "\n").join(groups)


def _line(finding: Finding, *, color: bool) -> str:
    level = finding.severity.label
    if color and finding.severity in _COLOURS:
        level = f"{_COLOURS[finding.severity]}{level}{_RESET}"
    return f"{finding.path}:{finding.line} {finding.code} {level}: {finding.message}"
