"""What an editor shows about a rule: its documentation page and the text that explains it.

hadolint documents its rules on its wiki and ShellCheck on shellcheck.net, one page per code;
BuildKit's checks carry their docs.docker.com page on the rule itself. The explanation is the
rule module's docstring, the one place that already says why the rule exists (DY rules write
it for ``docs/rules.md`` too). Codes no rule owns (ShellCheck's, ``DL1000``) have none.
"""

from __future__ import annotations

import inspect
import re
import sys
from functools import cache

__all__ = ["explanation", "rule_url", "source_of"]

_HADOLINT_WIKI = "https://github.com/hadolint/hadolint/wiki/{code}"
_SHELLCHECK_WIKI = "https://www.shellcheck.net/wiki/{code}"
_SHELLCHECK_CODE = re.compile(r"SC\d{4}")
_HADOLINT_CODE = re.compile(r"DL[34]\d{3}")  # DL1000 (parse error) has no page of its own


def source_of(code: str) -> str:
    """The ``source`` an editor shows beside a diagnostic: who found it."""
    return "shellcheck" if _SHELLCHECK_CODE.fullmatch(code) else "dockyard"


def rule_url(code: str, carried: str | None = None) -> str | None:
    """The page that documents ``code``: the one a finding carries, else hadolint's or
    ShellCheck's wiki page; ``None`` when there is none (dockyard's DY rules live in
    ``docs/rules.md``, which has no address of its own)."""
    if carried:
        return carried
    if _HADOLINT_CODE.fullmatch(code):
        return _HADOLINT_WIKI.format(code=code)
    if _SHELLCHECK_CODE.fullmatch(code):
        return _SHELLCHECK_WIKI.format(code=code)
    return _rule_urls().get(code)


def explanation(code: str) -> str | None:
    """Why the rule exists, from its module's docstring; ``None`` for codes no rule owns."""
    return _explanations().get(code)


@cache
def _explanations() -> dict[str, str]:
    from dockyard.dockerfile.rules import ALL_RULES

    found: dict[str, str] = {}
    for rule in ALL_RULES:
        module = sys.modules.get(type(rule).__module__)
        text = inspect.getdoc(module) if module is not None else None
        if text:
            found[rule.code] = text
    return found


@cache
def _rule_urls() -> dict[str, str]:
    from dockyard.dockerfile.rules import ALL_RULES

    return {rule.code: rule.url for rule in ALL_RULES if rule.url}
