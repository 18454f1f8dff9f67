"""What the server tells the editor, computed from a document's text: no protocol, no I/O.

Diagnostics are ``dockyard lint``'s findings, from the same entry point with the same settings
(so pragmas, ``ignored`` and ``override`` hold); a Dockerfile that does not parse is the one
``DL1000`` finding lint reports for it. Code actions are ``lint --fix``'s safe fixes: the fix
machinery runs on the current text, told that only the one finding asked about is flagged, and
the fixed text is turned back into the few line edits that differ. Hover is the rule's message,
explanation and documentation page.

Positions are counted in the client's code units (``width``: UTF-16 unless negotiated
otherwise), lines from 0, as the protocol wants.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from lsprotocol import types

from dockyard.dockerfile import Finding, LintConfig, Severity, lint_text
from dockyard.dockerfile.fix import fix_text, lint_flags
from dockyard.lsp._docs import explanation, rule_url, source_of

__all__ = [
    "FIX_ALL_TITLE",
    "QuickFix",
    "Width",
    "diagnostic",
    "fix_all_edits",
    "hover_text",
    "lint_document",
    "quick_fix",
    "utf16_width",
]

Width = Callable[[str], int]
"""How many of the client's code units a piece of text takes."""

FIX_ALL_TITLE = "Fix all dockyard findings"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.STYLE: types.DiagnosticSeverity.Hint,
}

# BuildKit's checks that say what a hadolint rule says: the hadolint rule's fixer answers them.
_SAME_AS = {"MaintainerDeprecated": "DL4000", "JSONArgsRecommended": "DL3025"}


def utf16_width(text: str) -> int:
    """The protocol's default position encoding."""
    return len(text.encode("utf-16-le")) // 2


def lint_document(text: str, *, path: str, config: LintConfig) -> list[Finding]:
    """``dockyard lint``'s findings for one document (ShellCheck's included, when installed)."""
    return lint_text(text, path=path, config=config).findings


def diagnostic(
    finding: Finding, lines: Sequence[str], *, width: Width = utf16_width
) -> types.Diagnostic:
    """One finding as the editor shows it: from its column to the end of its last line."""
    start = min(max(finding.line, 1), max(len(lines), 1)) - 1
    end = min(max(finding.end_line or finding.line, finding.line), max(len(lines), 1)) - 1
    first = _line(lines, start)
    column = min(max(finding.column, 1) - 1, len(first))
    url = rule_url(finding.code, finding.url)
    return types.Diagnostic(
        range=types.Range(
            start=types.Position(line=start, character=width(first[:column])),
            end=types.Position(line=end, character=width(_line(lines, end))),
        ),
        message=finding.message,
        severity=_SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Hint),
        code=finding.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=source_of(finding.code),
    )


@dataclass(frozen=True)
class QuickFix:
    """One fix as the editor offers it: what it does (the fixer's words) and its line edits."""

    title: str
    edits: list[types.TextEdit]


def quick_fix(
    text: str, *, code: str, line: int, config: LintConfig, width: Width = utf16_width
) -> QuickFix | None:
    """The safe fix for the ``code`` finding on ``line`` (1-based), or ``None`` when
    ``lint --fix`` has none for it. Only that finding counts as flagged, so no other fix rides
    along; a fix that also answers a finding elsewhere (DY001's USER goes after the last step,
    the finding is on FROM) keeps all its edits. A fix after which the rule still reports as
    much as before is not offered: it would not make the diagnostic go away."""
    answers = {code, _SAME_AS.get(code, code)}

    def flagged(current: str) -> Mapping[str, set[int]]:
        found = lint_flags(current, config=config)
        return {c: {line} for c in answers if line in found.get(c, set())}

    result = fix_text(text, flags=flagged)
    if not result.changed:
        return None
    if _reported(result.text, answers, config) >= _reported(text, answers, config):
        return None
    what = "; ".join(dict.fromkeys(fix.message for fix in result.fixes)) or "apply lint --fix"
    return QuickFix(f"Fix {code}: {what}", _edits(text, result.text, width=width))


def fix_all_edits(
    text: str, *, config: LintConfig, width: Width = utf16_width
) -> list[types.TextEdit]:
    """The edits of every safe fix, as ``dockyard lint --fix`` would make them."""

    def flagged(current: str) -> Mapping[str, set[int]]:
        return lint_flags(current, config=config)

    return _edits(text, fix_text(text, flags=flagged).text, width=width)


def hover_text(findings: Iterable[Finding], line: int) -> str | None:
    """Markdown about the findings on ``line`` (1-based): code, level, message, why, link."""
    parts = []
    for finding in findings:
        if not finding.line <= line <= max(finding.end_line or finding.line, finding.line):
            continue
        part = f"**{finding.code}** ({finding.severity.label}): {finding.message}"
        why = explanation(finding.code)
        if why:
            part += f"\n\n{why}"
        url = rule_url(finding.code, finding.url)
        if url:
            part += f"\n\n[{finding.code} documentation]({url})"
        parts.append(part)
    return "\n\n---\n\n".join(parts) or None


def _edits(original: str, fixed: str, *, width: Width) -> list[types.TextEdit]:
    """The changed runs of lines, each one edit; the untouched lines are not sent."""
    before = original.splitlines(keepends=True)
    after = fixed.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [
        types.TextEdit(
            range=types.Range(start=_position(before, i1, width), end=_position(before, i2, width)),
            new_text="".join(after[j1:j2]),
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _reported(text: str, codes: set[str], config: LintConfig) -> int:
    """How many findings of ``codes`` the fixable rules report on ``text``."""
    found = lint_flags(text, config=config)
    return sum(len(found.get(code, ())) for code in codes)


def _position(lines: Sequence[str], index: int, width: Width) -> types.Position:
    """The start of line ``index``; past the last line, the end of the document."""
    if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
        return types.Position(line=index, character=0)
    last = lines[-1]
    return types.Position(line=len(lines) - 1, character=width(last))


def _line(lines: Sequence[str], index: int) -> str:
    return lines[index].rstrip("\r\n") if 0 <= index < len(lines) else ""
