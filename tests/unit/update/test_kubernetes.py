"""Deployments: kubectl's rollout rule and the update decision, as pure functions."""

from __future__ import annotations

from dataclasses import replace

from dockyard.kube import Condition, Container, Deployment
from dockyard.update import (
    CheckResult,
    Rollout,
    ServiceAction,
    decide_deployment,
    judge_deployment,
)

OLD = "sha256:" + "1" * 64
NEW = "sha256:" + "2" * 64
TAG = "127.0.0.1:5000/app:1"
DONE = Deployment(
    namespace="ns",
    name="web",
    uid="u",
    annotations={"dockyard.enable": "true"},
    generation=2,
    observed_generation=2,
    replicas=2,
    updated_replicas=2,
    available_replicas=2,
    total_replicas=2,
    containers=(Container("app", f"{TAG}@{OLD}"),),
    conditions=(),
    revision=2,
    selector={"app": "web"},
)


def test_kubectls_rollout_rule() -> None:
    assert judge_deployment(DONE)[0] is Rollout.CONVERGED
    assert judge_deployment(replace(DONE, observed_generation=1))[0] is Rollout.IN_PROGRESS
    assert judge_deployment(replace(DONE, updated_replicas=1))[0] is Rollout.IN_PROGRESS
    assert judge_deployment(replace(DONE, total_replicas=3))[0] is Rollout.IN_PROGRESS
    assert judge_deployment(replace(DONE, available_replicas=1))[0] is Rollout.IN_PROGRESS
    stuck = replace(
        DONE,
        updated_replicas=1,
        conditions=(Condition("Progressing", "False", "ProgressDeadlineExceeded", "too slow"),),
    )
    assert judge_deployment(stuck) == (Rollout.PAUSED, "too slow")
    # while rolling back, the failed rollout's condition is still there: it does not count
    assert judge_deployment(stuck, deadline_counts=False)[0] is Rollout.IN_PROGRESS


def decide(d: Deployment, digest: str | None, **kw: object) -> tuple[ServiceAction, dict[str, str]]:
    check = CheckResult(ref=TAG, digest=digest, error=None if digest else "refused")
    decision = decide_deployment(
        d,
        checks={TAG: check},
        running=kw.pop("running", {}),  # type: ignore[arg-type]
        monitor_only=bool(kw.pop("monitor_only", False)),
        rolled_back=kw.pop("rolled_back", frozenset()),  # type: ignore[arg-type]
    )
    return decision.action, dict(decision.images)


def test_decide_deployment() -> None:
    assert decide(DONE, OLD) == (ServiceAction.FRESH, {})
    assert decide(DONE, NEW) == (ServiceAction.UPDATE, {"app": f"{TAG}@{NEW}"})
    assert decide(DONE, None)[0] is ServiceAction.CHECK_FAILED
    assert decide(DONE, NEW, monitor_only=True)[0] is ServiceAction.SKIP
    assert decide(DONE, NEW, rolled_back=frozenset({NEW}))[0] is ServiceAction.SKIP
    assert decide(replace(DONE, updated_replicas=1), NEW)[0] is ServiceAction.BUSY
    # a tag not pinned in the spec: what the pods resolved is what runs
    unpinned = replace(DONE, containers=(Container("app", TAG),))
    assert decide(unpinned, OLD, running={"app": {OLD}}) == (ServiceAction.FRESH, {})
    assert decide(unpinned, NEW, running={"app": {OLD}})[0] is ServiceAction.UPDATE
    # a container pinned by digest only follows nothing
    digest_only = replace(DONE, containers=(Container("app", f"127.0.0.1:5000/app@{OLD}"),))
    assert decide(digest_only, NEW) == (ServiceAction.FRESH, {})
