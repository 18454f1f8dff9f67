"""A container's registry check, decided before anything is pulled."""

from __future__ import annotations

from dockyard.update import CheckResult, ContainerAction, decide_container

KNOWN = {"sha256:" + "a" * 64}
OTHER = "sha256:" + "b" * 64


def test_a_digest_the_running_image_has_is_fresh() -> None:
    check = CheckResult(ref="r:1", digest=next(iter(KNOWN)))
    assert decide_container(check=check, known_digests=KNOWN, monitor_only=False) == (
        ContainerAction.FRESH,
        None,
    )


def test_another_digest_is_pulled_unless_monitor_only() -> None:
    check = CheckResult(ref="r:1", digest=OTHER)
    assert decide_container(check=check, known_digests=KNOWN, monitor_only=False) == (
        ContainerAction.PULL,
        None,
    )
    action, reason = decide_container(check=check, known_digests=KNOWN, monitor_only=True)
    assert action is ContainerAction.SKIP
    assert reason == f"monitor only: {OTHER} is available"


def test_a_failed_check_touches_nothing_and_says_why() -> None:
    check = CheckResult(ref="r:1", error="registry r answered 500")
    action, reason = decide_container(check=check, known_digests=set(), monitor_only=False)
    assert action is ContainerAction.CHECK_FAILED
    assert reason == "check failed: registry r answered 500"
