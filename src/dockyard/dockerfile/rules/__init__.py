"""The rule registry: every rule dockyard runs, imported explicitly, in code order.

Adding a rule means importing its module here and adding ``<module>.rule`` to ``ALL_RULES``
(see :mod:`dockyard.dockerfile.rules._base` for the whole recipe). No discovery, no plugins: this
list is the single place that says what ``dockyard lint`` checks.
"""

from __future__ import annotations

from dockyard.dockerfile.rules import (
    dl3000,
    dl3006,
    dl4000,
)
from dockyard.dockerfile.rules._base import (
    Finding,
    InstructionRule,
    LintContext,
    Rule,
    Severity,
    iter_instructions,
    shell_of,
)

__all__ = [
    "ALL_RULES",
    "Finding",
    "InstructionRule",
    "LintContext",
    "Rule",
    "Severity",
    "iter_instructions",
    "rule_codes",
    "shell_of",
]

# hadolint's rules (DL), then dockyard's own (DY).
ALL_RULES: list[Rule] = [
    dl3000.rule,
    dl3006.rule,
    dl4000.rule,
    # dockyard's own rules
]


def rule_codes() -> list[str]:
    return [rule.code for rule in ALL_RULES]
