"""The policy gate's verdicts, as a table: lint threshold, non-root, size."""

from __future__ import annotations

import pytest

from dockyard.dockerfile import Finding, Severity
from dockyard.serve import Policy
from dockyard.serve._gate import GateVerdict, is_root_user, judge

ERROR = Finding("Dockerfile", 3, "DL3006", Severity.ERROR, "Always tag the version of an image")
WARNING = Finding("Dockerfile", 2, "DL3008", Severity.WARNING, "Pin versions in apt get install")
INFO = Finding("Dockerfile", 4, "DL3059", Severity.INFO, "Multiple consecutive RUN")
STYLE = Finding("Dockerfile", 5, "DL3000", Severity.STYLE, "Use absolute WORKDIR")
MB = 1_000_000

CASES = [
    # (id, policy, findings, user, size, passed, reasons contain)
    ("clean image passes", Policy(), [], "app", 5 * MB, True, []),
    ("warning under the default error threshold", Policy(), [WARNING], "1000", MB, True, []),
    ("error at the default threshold", Policy(), [ERROR], "app", MB, False, ["lint: 1 finding"]),
    (
        "warning threshold catches warning and error",
        Policy(lint_threshold="warning"),
        [INFO, WARNING, ERROR],
        "app",
        MB,
        False,
        ["lint: 2 finding(s) at or above warning: Dockerfile:2 DL3008", "and 1 more"],
    ),
    ("style threshold catches style", Policy(lint_threshold="style"), [STYLE], "app", 0, False,
     ["DL3000"]),
    ("info threshold ignores style", Policy(lint_threshold="info"), [STYLE], "app", 0, True, []),
    ("none ignores every finding", Policy(lint_threshold="none"), [ERROR], "app", 0, True, []),
    ("no USER is root", Policy(), [], "", MB, False, ["runs as root (no USER)"]),
    ("root by name", Policy(), [], "root", MB, False, ["runs as root (user 'root')"]),
    ("uid 0", Policy(), [], "0", MB, False, ["user '0'"]),
    ("uid 0 with group 0", Policy(), [], "0:0", MB, False, ["user '0:0'"]),
    ("root with another group", Policy(), [], "root:wheel", MB, False, ["runs as root"]),
    ("non-zero uid with group 0 is not root", Policy(), [], "1000:0", MB, True, []),
    ("a name is not root", Policy(), [], "nobody", MB, True, []),
    ("root allowed when non_root is off", Policy(non_root=False), [], "", MB, True, []),
    ("under the size limit", Policy(max_size_mb=10), [], "app", 10 * MB, True, []),
    (
        "over the size limit",
        Policy(max_size_mb=10),
        [],
        "app",
        10 * MB + 1,
        False,
        ["size 10.0 MB is over the limit of 10 MB"],
    ),
    (
        "every reason at once, in policy order",
        Policy(max_size_mb=1),
        [ERROR],
        "root",
        2 * MB,
        False,
        ["lint:", "runs as root", "size 2.0 MB"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "findings", "user", "size", "passed", "reasons"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_judge(
    policy: Policy,
    findings: list[Finding],
    user: str,
    size: int,
    passed: bool,
    reasons: list[str],
) -> None:
    verdict = judge(policy, findings, user, size)
    assert verdict.passed is passed
    text = verdict.reason or ""
    positions = [text.find(part) for part in reasons]
    assert -1 not in positions, text
    assert positions == sorted(positions), text
    assert (verdict.reason is None) is passed


def test_a_failed_verdict_keeps_each_reason_apart() -> None:
    verdict = judge(Policy(max_size_mb=1), [], "", 2 * MB)
    assert verdict == GateVerdict(
        passed=False,
        reasons=(
            "runs as root (no USER): add a USER with a non-zero uid",
            "size 2.0 MB is over the limit of 1 MB",
        ),
    )


@pytest.mark.parametrize(
    ("user", "root"),
    [("", True), ("  ", True), ("root", True), ("0", True), ("0:0", True), ("root:root", True),
     ("1000", False), ("app", False), ("1000:1000", False), ("00", True), ("10", False)],
)  # fmt: skip
def test_is_root_user(user: str, root: bool) -> None:
    assert is_root_user(user) is root
