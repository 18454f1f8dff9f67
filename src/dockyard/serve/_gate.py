"""The policy gate between the build and the push: a pure verdict on what the build produced.

:func:`judge` sees only facts already gathered (the Dockerfile's lint findings, the image's
configured user, its size in the engine) and returns a :class:`GateVerdict`; the pipeline reads
the facts and acts on the verdict. A failed gate stops before anything reaches the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dockyard.dockerfile import Finding, Severity
from dockyard.serve._config import Policy

__all__ = ["MEGABYTE", "GateVerdict", "blocking_findings", "is_root_user", "judge"]

MEGABYTE = 1_000_000  # max_size_mb counts as `docker images` does: decimal megabytes
_ROOT_NAMES = frozenset({"", "root"})


@dataclass(frozen=True)
class GateVerdict:
    """Whether the image may be pushed, and every reason it may not (in policy order)."""

    passed: bool
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str | None:
        """One line for the build's record; None when the gate passed."""
        return "; ".join(self.reasons) if self.reasons else None


def is_root_user(user: str) -> bool:
    """An image's ``Config.User`` that runs as root: empty, ``root`` or ``0``, with or without
    a group (``0:0``, ``root:wheel``); the engine reads ``00`` as uid 0 too. A non-zero uid or
    another name is not root."""
    name, _, _group = user.strip().partition(":")
    return name in _ROOT_NAMES or (name.isdigit() and int(name) == 0)


def blocking_findings(policy: Policy, findings: Sequence[Finding]) -> list[Finding]:
    """The findings at or above the policy's lint threshold (none at ``none``)."""
    if policy.lint_threshold == "none":
        return []
    threshold = Severity.parse(policy.lint_threshold)
    return sorted(f for f in findings if f.severity <= threshold)


def judge(policy: Policy, findings: Sequence[Finding], user: str, size: int) -> GateVerdict:
    """The gate's verdict on one image; ``size`` is in bytes."""
    reasons: list[str] = []
    blocking = blocking_findings(policy, findings)
    if blocking:
        first = blocking[0]
        more = f" and {len(blocking) - 1} more" if len(blocking) > 1 else ""
        reasons.append(
            f"lint: {len(blocking)} finding(s) at or above {policy.lint_threshold}: "
            f"{first.path}:{first.line} {first.code} {first.message}{more}"
        )
    if policy.non_root and is_root_user(user):
        shown = f"user {user.strip()!r}" if user.strip() else "no USER"
        reasons.append(f"runs as root ({shown}): add a USER with a non-zero uid")
    if policy.max_size_mb is not None and size > policy.max_size_mb * MEGABYTE:
        reasons.append(
            f"size {size / MEGABYTE:.1f} MB is over the limit of {policy.max_size_mb:g} MB"
        )
    return GateVerdict(passed=not reasons, reasons=tuple(reasons))
