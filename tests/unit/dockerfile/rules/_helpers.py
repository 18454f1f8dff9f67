"""The one assertion every rule's table uses: which lines a rule flags in a Dockerfile."""

from __future__ import annotations

from dockyard.dockerfile import parse
from dockyard.dockerfile.rules import LintContext, Rule, rules_for

__all__ = ["assert_catches", "findings_of"]


def findings_of(rule: Rule, text: str, *, ctx: LintContext | None = None) -> list[int]:
    """Sorted lines of the findings ``rule`` reports on ``text`` (only its own code)."""
    context = ctx or LintContext()
    df = parse(text, path=context.path)
    lines = sorted(f.line for f in rule.check(df, context) if f.code == rule.code)
    if lines:  # the registry's trigger words must never hide a rule from a file it reports on
        chosen = {r.code for r in rules_for(df)}
        assert rule.code in chosen, f"{rule.code} reports on a file without its trigger:\n{text}"
    return lines


def assert_catches(
    rule: Rule, text: str, lines: list[int], *, ctx: LintContext | None = None
) -> None:
    """``rule`` flags exactly ``lines`` in ``text`` (``[]`` for a catches-not case)."""
    got = findings_of(rule, text, ctx=ctx)
    assert got == sorted(lines), f"{rule.code}: expected lines {lines}, got {got}\n{text}"
