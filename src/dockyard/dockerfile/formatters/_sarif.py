"""SARIF 2.1.0 in hadolint's shape (info and style become ``note``; SC findings are ``sh``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dockyard import __version__
from dockyard.dockerfile._findings import Finding, Severity
from dockyard.dockerfile._lint import FileResult

__all__ = ["render"]


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    document = {
        "$schema": "http://json.schemastore.org/sarif-2.1.0",
        "runs": [
            {
                "defaultSourceLanguage": "dockerfile",
                "results": [_result(f) for result in results for f in result.findings],
                "tool": {
                    "driver": {
                        "downloadUri": "https://github.com/dockyard/dockyard",
                        "fullName": "dockyard Dockerfile linter",
                        "name": "dockyard",
                        "shortDescription": {
                            "text": "Dockerfile linter, hadolint-compatible, with ShellCheck"
                        },
                        "version": __version__,
                    }
                },
            }
        ],
        "version": "2.1.0",
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _result(finding: Finding) -> dict[str, Any]:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(finding.severity, "note")
    region = {
        "endColumn": finding.column,
        "endLine": finding.end_line or finding.line,
        "sourceLanguage": "sh" if finding.code.startswith("SC") else "dockerfile",
        "startColumn": finding.column,
        "startLine": finding.line,
    }
    return {
        "level": level,
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": finding.path}, "region": region}}
        ],
        "message": {"text": finding.message},
        "ruleId": finding.code,
    }
