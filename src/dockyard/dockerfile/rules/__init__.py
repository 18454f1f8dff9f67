"""The rule registry: every rule dockyard runs, named explicitly, in code order.

Adding a rule means adding its module to ``_RULES`` (see :mod:`dockyard.dockerfile.rules._base` for
the whole recipe). No discovery, no plugins: this table is the single place that says what
``dockyard lint`` checks.

Each entry may name trigger words: a rule with triggers can only report on a file that holds one
of them (``DL3008`` needs ``apt-get``), so :func:`rules_for` imports it only for such files. Most
files use one package manager, so one file in an editor or a pre-commit hook loads a fraction of
the rules. The words are looked up, lower-cased, in the file's text and in its instructions as
the parser joined them (continuation lines, JSON strings); the rule tests check that every case a
rule catches holds one of its triggers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard.dockerfile.rules._base import (
    Finding,
    InstructionRule,
    LintContext,
    Rule,
    Severity,
    can_report,
    iter_instructions,
    load_rule,
    shell_of,
)

if TYPE_CHECKING:
    from dockyard.dockerfile._model import Dockerfile

__all__ = [
    "ALL_RULES",
    "Finding",
    "InstructionRule",
    "LintContext",
    "Rule",
    "Severity",
    "all_rules",
    "iter_instructions",
    "rule_codes",
    "rules_for",
    "shell_of",
]

# hadolint's rules (DL), then dockyard's own (DY): (module, trigger words; () = every file).
# BuildKit's build checks follow them, from :mod:`dockyard.dockerfile.rules.buildkit`.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dl1001", ("ignore",)),
    ("dl3000", ()),
    ("dl3001", ()),
    ("dl3002", ()),
    ("dl3003", ()),
    ("dl3004", ("sudo",)),
    ("dl3006", ()),
    ("dl3007", ()),
    ("dl3008", ("apt",)),
    ("dl3009", ("apt",)),
    ("dl3010", ()),
    ("dl3011", ("expose",)),
    ("dl3012", ("healthcheck",)),
    ("dl3013", ("pip",)),
    ("dl3014", ("apt",)),
    ("dl3015", ("apt",)),
    ("dl3016", ("npm",)),
    ("dl3018", ("apk",)),
    ("dl3019", ("apk",)),
    ("dl3020", ("add",)),
    ("dl3021", ()),
    ("dl3022", ()),
    ("dl3023", ()),
    ("dl3024", ()),
    ("dl3025", ()),
    ("dl3026", ()),
    ("dl3027", ("apt",)),
    ("dl3028", ("gem",)),
    ("dl3029", ("platform",)),
    ("dl3030", ("yum",)),
    ("dl3032", ("yum",)),
    ("dl3033", ("yum",)),
    ("dl3034", ("zypper",)),
    ("dl3035", ("zypper",)),
    ("dl3036", ("zypper",)),
    ("dl3037", ("zypper",)),
    ("dl3038", ("dnf",)),
    ("dl3040", ("dnf",)),
    ("dl3041", ("dnf",)),
    ("dl3042", ("pip",)),
    ("dl3043", ("onbuild",)),
    ("dl3044", ("env",)),
    ("dl3045", ()),
    ("dl3046", ("useradd",)),
    ("dl3047", ("wget",)),
    ("dl3048", ("label",)),
    ("dl3049", ()),
    ("dl3050", ("label",)),
    ("dl3051", ("label",)),
    ("dl3052", ("label",)),
    ("dl3053", ("label",)),
    ("dl3054", ("label",)),
    ("dl3055", ("label",)),
    ("dl3056", ("label",)),
    ("dl3057", ()),
    ("dl3058", ("label",)),
    ("dl3059", ()),
    ("dl3060", ("yarn",)),
    ("dl3061", ()),
    ("dl3062", ()),
    ("dl3063", ()),
    ("dl3064", ("arg", "env")),
    ("dl3065", ("platform",)),
    ("dl3066", ()),
    ("dl3067", ()),
    ("dl4000", ("maintainer",)),
    ("dl4001", ("wget",)),
    ("dl4003", ("cmd",)),
    ("dl4004", ("entrypoint",)),
    ("dl4005", ()),
    ("dl4006", ("|",)),
    # dockyard's own rules
    ("dy001", ()),
    ("dy002", ("apt", "apk")),
    ("dy003", ("curl", "wget")),
    ("dy004", ("apt",)),
    ("dy005", ()),
    ("dy006", ()),
    ("dy007", ()),
    ("dy008", ()),
)


def _rule(module: str) -> Rule:
    return load_rule(f"{__name__}.{module}")


def all_rules() -> list[Rule]:
    """Every rule, in code order (DL, DY, then BuildKit's checks)."""
    from dockyard.dockerfile.rules.buildkit import buildkit_rules

    return [_rule(module) for module, _ in _RULES] + buildkit_rules()


def trigger_text(df: Dockerfile) -> str:
    """What trigger words are looked up in: the text, plus each instruction as parsed."""
    parts = [df.text]
    for instruction in df.instructions:
        for each in (instruction, instruction.onbuild):
            if each is not None:
                parts.append(each.arguments)
                parts.extend(each.json_args or ())
    return "\n".join(parts).lower()


def rules_for(df: Dockerfile) -> list[Rule]:
    """The rules that can report on ``df``: those without triggers, and those with one of
    their trigger words in it; imported on first use, in code order."""
    from dockyard.dockerfile.rules.buildkit import buildkit_rules_for

    text = trigger_text(df)
    chosen = [_rule(module) for module, triggers in _RULES if can_report(triggers, text)]
    return chosen + buildkit_rules_for(text)


def rule_codes() -> list[str]:
    return [rule.code for rule in all_rules()]


def __getattr__(name: str) -> list[Rule]:
    if name == "ALL_RULES":  # every rule, imported on first use (PEP 562)
        return all_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
