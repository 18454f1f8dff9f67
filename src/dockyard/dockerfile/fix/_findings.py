"""Which lines the lint rules flag: fixers change only what ``dockyard lint`` reports.

A fix answers a finding. Running the rules (with the user's config, so ignored rules, severity
overrides and ``# hadolint ignore=`` pragmas count) before each fixer keeps ``--fix`` and
``lint`` in agreement: a change the linter would not ask for is not made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from dockyard.dockerfile._config import LintConfig
from dockyard.dockerfile._lint import lint_text

__all__ = ["ALIASES", "FILE_SCOPE", "Flags", "lint_flags"]

Flags = Callable[[str], Mapping[str, set[int]]]
"""Maps a Dockerfile's text to ``{rule code: lines it flags}``."""

# A fix answers these rules' findings (joining RUNs also answers "apt-get update alone").
ALIASES: dict[str, tuple[str, ...]] = {
    "DL3059": ("DL3059", "DY002"),
    "DL3007": ("DL3007", "DL3006"),
}
# Findings placed on another line than the one the fix edits (DY001 is reported on FROM).
FILE_SCOPE = frozenset({"DY001"})

_CODES = frozenset(
    {
        "DL3059",
        "DY002",
        "DL3015",
        "DY003",
        "DL3009",
        "DL3019",
        "DL3042",
        "DL3032",
        "DL3040",
        "DY004",
        "DY008",
        "DL4000",
        "DL3025",
        "DY001",
        "DL3007",
        "DL3006",
    }
)


def lint_flags(text: str, *, config: LintConfig | None = None) -> dict[str, set[int]]:
    from dockyard.dockerfile.rules import all_rules

    settings = replace(config or LintConfig(), shellcheck=False)
    rules = [rule for rule in all_rules() if rule.code in _CODES]
    result = lint_text(text, config=settings, rules=rules)
    flagged: dict[str, set[int]] = {}
    for finding in result.findings:
        flagged.setdefault(finding.code, set()).add(finding.line)
    return flagged
