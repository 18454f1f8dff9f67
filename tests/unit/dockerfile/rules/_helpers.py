"""The one assertion every rule's table uses: which lines a rule flags in a Dockerfile."""

from __future__ import annotations

from dockyard.dockerfile import parse
from dockyard.dockerfile.rules import LintContext, Rule

__all__ = ["assert_catches", "findings_of"]


def findings_of(rule: Rule, text: str, *, ctx: LintContext | None = None) -> list[int]:
    """Sorted lines of the findings ``rule`` reports on ``text`` (only its own code)."""
    context = ctx or LintContext()
    found = rule.check(parse(text, path=context.path), context)
    return sorted(f.line for f in found if f.code == rule.code)


def assert_catches(
    rule: Rule, text: str, lines: list[int], *, ctx: LintContext | None = None
) -> None:
    """``rule`` flags exactly ``lines`` in ``text`` (``[]`` for a catches-not case)."""
    got = findings_of(rule, text, ctx=ctx)
    assert got == sorted(lines), f"{rule.code}: expected lines {lines}, got {got}\n{text}"
