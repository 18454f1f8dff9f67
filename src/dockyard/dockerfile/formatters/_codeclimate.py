"""GitLab's Code Quality report (Code Climate issues with a fingerprint), as hadolint writes it:
the fingerprint is the SHA-1 of the issue's own compact JSON, so it is stable across runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from dockyard.dockerfile._findings import Finding, Severity
from dockyard.dockerfile._lint import FileResult

__all__ = ["render"]

_IMPACT = {
    Severity.ERROR: "blocker",
    Severity.WARNING: "major",
    Severity.INFO: "info",
    Severity.STYLE: "minor",
}


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    issues = [_with_fingerprint(_issue(f)) for result in results for f in result.findings]
    return _compact(issues)


def _issue(finding: Finding) -> dict[str, Any]:
    return {
        "categories": ["Bug Risk"],
        "check_name": finding.code,
        "description": finding.message,
        "location": {"lines": {"begin": finding.line, "end": finding.line}, "path": finding.path},
        "severity": _IMPACT.get(finding.severity, ""),
        "type": "issue",
    }


def _with_fingerprint(issue: dict[str, Any]) -> dict[str, Any]:
    digest = hashlib.sha1(_compact(issue).encode(), usedforsecurity=False).hexdigest()
    return {**issue, "fingerprint": digest}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
