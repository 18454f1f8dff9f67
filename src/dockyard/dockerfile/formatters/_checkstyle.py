"""Checkstyle 4.3 XML as hadolint writes it: one ``<file>`` per input, attributes sorted."""

from __future__ import annotations

from collections.abc import Sequence

from dockyard.dockerfile._findings import Finding
from dockyard.dockerfile._lint import FileResult

__all__ = ["render"]


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    files = "".join(_file(result) for result in results)
    return f'<?xml version="1.0" encoding="UTF-8"?><checkstyle version="4.3">{files}</checkstyle>'


def _file(result: FileResult) -> str:
    name = _attr(result.path)
    if not result.findings:
        return f'<file name="{name}"/>'
    errors = "".join(_error(f) for f in result.findings)
    return f'<file name="{name}">{errors}</file>'


def _error(finding: Finding) -> str:
    return (
        f'<error column="{finding.column}" line="{finding.line}" '
        f'message="{_attr(finding.message)}" severity="{finding.severity.label}" '
        f'source="{_attr(finding.code)}"/>'
    )


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
