"""dive's CI mode: ``.dive-ci`` rules, their defaults, the "disabled" value, and the verdict.

Rules (``rules:`` mapping in YAML): ``lowestEfficiency`` (ratio 0-1, default 0.9),
``highestWastedBytes`` (a byte size such as ``20MB`` or ``1.5 GiB``, default ``disabled``),
``highestUserWastedPercent`` (ratio 0-1, default 0.1). A rule whose value is ``disabled`` is
skipped; a value that does not parse makes the run "misconfigured". As in dive, any failed or
misconfigured rule fails the run with exit code 1; a file that is not YAML is a usage error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockyard.errors import ConfigError

__all__ = ["DEFAULT_RULES", "RuleResult", "evaluate", "load_rules", "parse_bytes"]

DEFAULT_RULES: dict[str, str] = {
    "lowestEfficiency": "0.9",
    "highestWastedBytes": "disabled",
    "highestUserWastedPercent": "0.1",
}

_UNITS = {
    "": 1, "b": 1,
    "k": 10**3, "kb": 10**3, "ki": 2**10, "kib": 2**10,
    "m": 10**6, "mb": 10**6, "mi": 2**20, "mib": 2**20,
    "g": 10**9, "gb": 10**9, "gi": 2**30, "gib": 2**30,
    "t": 10**12, "tb": 10**12, "ti": 2**40, "tib": 2**40,
}  # fmt: skip
_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*$")


def parse_bytes(text: str) -> int:
    """Sizes as dive (go-humanize) reads them: ``20MB`` is 20*10^6, ``20MiB`` 20*2^20."""
    match = _SIZE.match(text.replace(",", ""))
    if match is None or match.group(2).lower() not in _UNITS:
        raise ValueError(f"not a byte size: {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def load_rules(path: Path | None) -> tuple[dict[str, str], str]:
    """Rules from ``path`` over dive's defaults; also says which file (if any) was used."""
    rules = dict(DEFAULT_RULES)
    if path is None or not path.is_file():
        return rules, "default CI config"
    import yaml  # only CI runs need it

    try:
        document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not a readable .dive-ci YAML file ({exc})") from exc
    section = document.get("rules") if isinstance(document, dict) else None
    if isinstance(section, dict):
        for key in DEFAULT_RULES:
            if key in section and section[key] is not None:
                rules[key] = str(section[key]).strip()
    return rules, f"CI config {path}"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: str  # PASS, FAIL, SKIP or MISCONFIGURED
    message: str = ""


def evaluate(
    rules: dict[str, str], *, efficiency: float, wasted_bytes: int, user_wasted: float
) -> list[RuleResult]:
    """One result per rule, in dive's (sorted) order."""
    results = []
    for rule in sorted(rules):
        value = rules[rule]
        if value == "disabled":
            results.append(RuleResult(rule, "SKIP", "rule disabled"))
            continue
        try:
            results.append(_check(rule, value, efficiency, wasted_bytes, user_wasted))
        except ValueError as exc:
            results.append(
                RuleResult(rule, "MISCONFIGURED", f"invalid config value ({value!r}): {exc}")
            )
    return results


def _ratio(value: str, rule: str) -> float:
    ratio = float(value)
    if not 0 <= ratio <= 1:
        raise ValueError(f"{rule} config value is outside allowed range (0-1), given '{value}'")
    return ratio


def _check(rule: str, value: str, efficiency: float, wasted: int, user_wasted: float) -> RuleResult:
    if rule == "lowestEfficiency":
        threshold = _ratio(value, rule)
        if threshold > efficiency:
            return RuleResult(
                rule,
                "FAIL",
                f"image efficiency is too low (efficiency={efficiency} < threshold={threshold})",
            )
    elif rule == "highestWastedBytes":
        limit = parse_bytes(value)
        if wasted > limit:
            return RuleResult(
                rule, "FAIL", f"too many bytes wasted (wasted-bytes={wasted} > threshold={limit})"
            )
    elif rule == "highestUserWastedPercent":
        threshold = _ratio(value, rule)
        if threshold < user_wasted:
            return RuleResult(
                rule,
                "FAIL",
                "too many bytes wasted, relative to the user bytes added "
                f"(%-user-wasted-bytes={user_wasted} > threshold={threshold})",
            )
    return RuleResult(rule, "PASS")
