"""hadolint's JSON: one array of ``{code, column, file, level, line, message}`` for all files;
a finding with a documentation page (BuildKit's checks) also has ``url``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dockyard.dockerfile._lint import FileResult

__all__ = ["render"]


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    items = [
        {
            "code": f.code,
            "column": f.column,
            "file": f.path,
            "level": f.severity.label,
            "line": f.line,
            "message": f.message,
            **({"url": f.url} if f.url else {}),
        }
        for result in results
        for f in result.findings
    ]
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
