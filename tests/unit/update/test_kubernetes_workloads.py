"""StatefulSets and DaemonSets: kubectl's rollout rules, the update decision, the forced
rollback of a StatefulSet's stuck pods, and the updater on an in-memory cluster."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dockyard.errors import ClusterForbidden
from dockyard.kube import (
    Container,
    DaemonSet,
    Deployment,
    Pod,
    StatefulSet,
    UpdateStrategy,
    Workload,
    WorkloadKind,
)
from dockyard.update import (
    CheckResult,
    DeploymentUpdater,
    Kind,
    KubernetesSettings,
    KubernetesWatcher,
    RemoteDigest,
    Rollout,
    ServiceAction,
    Status,
    decide_workload,
    judge_daemonset,
    judge_statefulset,
    judge_workload,
    stuck_pods,
)

OLD = "sha256:" + "1" * 64
NEW = "sha256:" + "2" * 64
TAG = "127.0.0.1:5000/app:1"

SET = StatefulSet(
    namespace="ns",
    name="db",
    uid="u-db",
    annotations={"dockyard.enable": "true"},
    generation=2,
    observed_generation=2,
    replicas=3,
    ready_replicas=3,
    updated_replicas=3,
    current_revision="db-2",
    update_revision="db-2",
    strategy=UpdateStrategy.ROLLING_UPDATE,
    partition=0,
    containers=(Container("app", f"{TAG}@{OLD}"),),
    selector={"app": "db"},
)
DAEMONS = DaemonSet(
    namespace="ns",
    name="agent",
    uid="u-agent",
    annotations={"dockyard.enable": "true"},
    generation=2,
    observed_generation=2,
    desired_scheduled=2,
    updated_scheduled=2,
    available=2,
    strategy=UpdateStrategy.ROLLING_UPDATE,
    containers=(Container("app", f"{TAG}@{OLD}"),),
    selector={"app": "agent"},
)


def test_kubectls_rule_for_a_statefulset() -> None:
    assert judge_statefulset(SET) == (Rollout.CONVERGED, "3 pod(s) at revision db-2, ready")
    assert judge_statefulset(replace(SET, observed_generation=1))[0] is Rollout.IN_PROGRESS
    assert judge_statefulset(replace(SET, observed_generation=0, generation=0))[0] is (
        Rollout.IN_PROGRESS
    )
    assert judge_statefulset(replace(SET, ready_replicas=2)) == (
        Rollout.IN_PROGRESS,
        "2 of 3 pods ready",
    )
    assert judge_statefulset(replace(SET, updated_replicas=2))[0] is Rollout.IN_PROGRESS
    # every pod updated and ready, but the controller has not moved the current revision yet
    assert judge_statefulset(replace(SET, current_revision="db-1"))[0] is Rollout.IN_PROGRESS


def test_a_statefulsets_partition_limits_what_must_be_updated() -> None:
    partitioned = replace(SET, partition=2, updated_replicas=1, current_revision="db-1")
    state, message = judge_statefulset(partitioned)
    assert state is Rollout.CONVERGED  # ordinals 0 and 1 keep the current revision
    assert "partitioned" in message
    assert judge_statefulset(replace(partitioned, updated_replicas=0))[0] is Rollout.IN_PROGRESS
    # a partition above the replicas asks for nothing
    assert judge_statefulset(replace(partitioned, partition=5, updated_replicas=0))[0] is (
        Rollout.CONVERGED
    )


def test_kubectls_rule_for_a_daemonset() -> None:
    assert judge_daemonset(DAEMONS)[0] is Rollout.CONVERGED
    assert judge_daemonset(replace(DAEMONS, observed_generation=1))[0] is Rollout.IN_PROGRESS
    assert judge_daemonset(replace(DAEMONS, updated_scheduled=1)) == (
        Rollout.IN_PROGRESS,
        "1 of 2 pods updated",
    )
    assert judge_daemonset(replace(DAEMONS, available=1)) == (
        Rollout.IN_PROGRESS,
        "1 of 2 updated pods available",
    )
    # no pod wanted anywhere (no node matches): nothing to wait for
    nowhere = replace(DAEMONS, desired_scheduled=0, updated_scheduled=0, available=0)
    assert judge_daemonset(nowhere)[0] is Rollout.CONVERGED


def test_on_delete_cannot_be_waited_for() -> None:
    for workload in (
        replace(SET, strategy=UpdateStrategy.ON_DELETE),
        replace(DAEMONS, strategy=UpdateStrategy.ON_DELETE),
    ):
        state, message = judge_workload(workload)
        assert state is Rollout.PAUSED
        assert "OnDelete" in message


def decide(w: Workload, digest: str | None, **kw: Any) -> tuple[ServiceAction, str | None]:
    check = CheckResult(ref=TAG, digest=digest, error=None if digest else "refused")
    decision = decide_workload(
        w,
        checks={TAG: check},
        running=kw.pop("running", {}),
        monitor_only=bool(kw.pop("monitor_only", False)),
        rolled_back=kw.pop("rolled_back", frozenset()),
    )
    return decision.action, decision.reason


def test_decide_for_statefulsets_and_daemonsets() -> None:
    for workload in (SET, DAEMONS):
        assert decide(workload, OLD)[0] is ServiceAction.FRESH
        assert decide(workload, NEW)[0] is ServiceAction.UPDATE
        assert decide(workload, None)[0] is ServiceAction.CHECK_FAILED
        assert decide(workload, NEW, monitor_only=True)[0] is ServiceAction.SKIP
        assert decide(workload, NEW, rolled_back=frozenset({NEW}))[0] is ServiceAction.SKIP
    assert decide(replace(SET, ready_replicas=1), NEW)[0] is ServiceAction.BUSY
    assert decide(replace(DAEMONS, available=0), NEW)[0] is ServiceAction.BUSY


def test_on_delete_is_skipped_with_the_reason_and_only_when_there_is_something_new() -> None:
    on_delete = replace(SET, strategy=UpdateStrategy.ON_DELETE, current_revision="db-1")
    action, reason = decide(on_delete, NEW)
    assert action is ServiceAction.SKIP
    assert reason is not None
    assert reason.startswith(f"{TAG}@{NEW} not rolled out: its updateStrategy is OnDelete")
    assert decide(on_delete, OLD) == (ServiceAction.FRESH, None)


def test_stuck_pods_of_the_failed_revision_are_deleted_once_the_template_is_back() -> None:
    pods = [
        Pod("db-0", "db-1", ready=True, terminating=False),
        Pod("db-1", "db-1", ready=True, terminating=False),
        Pod("db-2", "db-3", ready=False, terminating=False),  # made from the failed revision
    ]
    rolled_back = replace(SET, generation=4, observed_generation=4, update_revision="db-4")
    assert stuck_pods(rolled_back, pods, failed_revision="db-3") == ["db-2"]
    # the controller has not yet taken the restored template: deleting now would remake it bad
    assert stuck_pods(
        replace(rolled_back, observed_generation=3), pods, failed_revision="db-3"
    ) is (None)
    assert stuck_pods(
        replace(rolled_back, update_revision="db-3"), pods, failed_revision="db-3"
    ) is (None)
    ready = [replace(p, ready=True) for p in pods]
    assert stuck_pods(rolled_back, ready, failed_revision="db-3") == []


# -- the updater on an in-memory cluster --------------------------------------------------------


class FakeSource:
    def __init__(self, digests: Mapping[str, str]) -> None:
        self.digests = dict(digests)
        self.heads = 0

    def remote_digest(self, ref: str) -> RemoteDigest:
        self.heads += 1
        return RemoteDigest(digest=self.digests[ref])


class FakeCluster:
    """Workloads whose controller does what ``on_patch``/``on_rollback``/``on_delete`` say."""

    def __init__(self, *workloads: Workload, forbidden: frozenset[WorkloadKind] = frozenset()):
        self.objects: dict[tuple[WorkloadKind, str], Workload] = {
            (w.kind, w.ref): w for w in workloads
        }
        self.forbidden = forbidden
        self.pod_list: list[Pod] = []
        self.deleted: list[str] = []
        self.events: list[tuple[str, str, str]] = []
        self.patched: list[Mapping[str, str]] = []
        self.on_patch: Any = None
        self.on_rollback: Any = None
        self.on_delete: Any = None

    def workloads(self, kind: WorkloadKind) -> list[Workload]:
        if kind in self.forbidden:
            raise ClusterForbidden(f"listing {kind.resource}s in ns: forbidden by RBAC (no)")
        return [w for (k, _), w in self.objects.items() if k is kind]

    def read_workload(self, kind: WorkloadKind, namespace: str, name: str) -> Workload:
        return self.objects[(kind, f"{namespace}/{name}")]

    def running(self, workload: Workload) -> dict[str, set[str]]:
        return {}

    def pull_config(self, workload: Workload) -> dict[str, Any]:
        return {"auths": {}}

    def set_images(self, workload: Workload, images: Mapping[str, str]) -> None:
        self.patched.append(images)
        self.objects[(workload.kind, workload.ref)] = self.on_patch(workload, images)

    def roll_back(self, workload: Workload) -> int:
        current = self.objects[(workload.kind, workload.ref)]
        self.objects[(workload.kind, workload.ref)] = self.on_rollback(current)
        return 2

    def pods(self, workload: Workload) -> list[Pod]:
        return list(self.pod_list)

    def delete_pod(self, workload: Workload, name: str) -> None:
        self.deleted.append(name)
        current = self.objects[(workload.kind, workload.ref)]
        self.objects[(workload.kind, workload.ref)] = self.on_delete(current)

    def event(self, workload: Workload, *, reason: str, message: str, warning: bool) -> None:
        self.events.append((workload.kind.value, reason, message))


def updater(cluster: FakeCluster, source: FakeSource) -> DeploymentUpdater:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    return DeploymentUpdater(
        ops=cluster,
        source=source,
        settings=KubernetesSettings(timeout=20, poll=1),
        sleep=sleep,
        clock=lambda: now[0],
    )


def with_image(w: Any, image: str, **status: Any) -> Any:
    return replace(w, containers=(Container("app", image),), **status)


def test_a_daemonset_is_patched_pinned_and_reported_updated_with_an_event() -> None:
    cluster = FakeCluster(DAEMONS)
    cluster.on_patch = lambda w, images: with_image(w, images["app"], generation=3)
    run = updater(cluster, FakeSource({TAG: NEW}))
    # the controller sees generation 3 on the second look
    reads = iter([False, True])
    original = cluster.read_workload

    def read(kind: WorkloadKind, namespace: str, name: str) -> Workload:
        current = original(kind, namespace, name)
        return replace(current, observed_generation=3) if next(reads, True) else current

    cluster.read_workload = read  # type: ignore[method-assign]

    [result] = run.run()

    assert (result.kind, result.name, result.status) == (Kind.DAEMONSET, "ns/agent", Status.UPDATED)
    assert (result.old_image_id, result.new_image_id) == (OLD, NEW)
    assert cluster.patched == [{"app": f"{TAG}@{NEW}"}]
    assert cluster.events == [("DaemonSet", "DockyardUpdated", f"rolled out {NEW}")]


def test_a_statefulset_that_never_gets_ready_is_rolled_back_after_the_timeout() -> None:
    """No progress deadline for this kind: the rollout timeout (20 s here) ends the wait; the
    template goes back, and the pod made from the failed revision is deleted so that the
    controller (OrderedReady) can make it again from the restored one."""
    cluster = FakeCluster(SET)
    cluster.on_patch = lambda w, images: with_image(
        w,
        images["app"],
        generation=3,
        observed_generation=3,
        update_revision="db-3",
        ready_replicas=2,
        updated_replicas=1,
    )
    cluster.pod_list = [
        Pod("db-0", "db-2", ready=True, terminating=False),
        Pod("db-1", "db-2", ready=True, terminating=False),
        Pod("db-2", "db-3", ready=False, terminating=False),
    ]
    cluster.on_rollback = lambda w: with_image(
        w, f"{TAG}@{OLD}", generation=4, observed_generation=4, update_revision="db-4"
    )
    cluster.on_delete = lambda w: replace(
        w, ready_replicas=3, updated_replicas=3, current_revision="db-4"
    )
    run = updater(cluster, FakeSource({TAG: NEW}))

    [db] = run.run()

    assert (db.kind, db.status) == (Kind.STATEFULSET, Status.ROLLED_BACK)
    assert db.reason == "not rolled out: 2 of 3 pods ready after 20s; rolled back to revision 2"
    assert cluster.deleted == ["db-2"]
    assert ("StatefulSet", "DockyardRolledBack", db.reason) in cluster.events
    # the rolled-back digest is not tried again
    [again] = run.run()
    assert again.status is Status.SKIPPED
    assert cluster.patched == [{"app": f"{TAG}@{NEW}"}]


def test_a_rollback_that_does_not_finish_is_failed_and_says_so() -> None:
    cluster = FakeCluster(SET)
    cluster.on_patch = lambda w, images: with_image(
        w,
        images["app"],
        generation=3,
        observed_generation=3,
        update_revision="db-3",
        ready_replicas=2,
    )
    cluster.pod_list = [Pod("db-2", "db-3", ready=False, terminating=False)]
    cluster.on_rollback = lambda w: replace(
        w, generation=4, observed_generation=4, update_revision="db-4"
    )
    cluster.on_delete = lambda w: w  # the pod never comes back ready

    [db] = updater(cluster, FakeSource({TAG: NEW})).run()

    assert db.status is Status.FAILED
    assert db.reason is not None
    assert db.reason.endswith("which did not finish: 2 of 3 pods ready after 20s")


def test_the_kinds_together_one_head_per_tag_and_a_kind_rbac_refuses_is_a_note() -> None:
    deployment = Deployment(
        namespace="ns",
        name="db",  # the same name as the StatefulSet: two results, told apart by kind
        uid="u-web",
        annotations={"dockyard.enable": "true"},
        generation=1,
        observed_generation=1,
        replicas=1,
        updated_replicas=1,
        available_replicas=1,
        total_replicas=1,
        containers=(Container("app", f"{TAG}@{OLD}"),),
        conditions=(),
        revision=1,
        selector={"app": "web"},
    )
    off = replace(DAEMONS, name="off", annotations={})
    source = FakeSource({TAG: OLD})
    cluster = FakeCluster(deployment, SET, DAEMONS, off)

    watcher = KubernetesWatcher(updater(cluster, source))
    report = watcher.run_cycle()

    assert [(r.kind, r.name, r.status) for r in report.results] == [
        (Kind.DAEMONSET, "ns/agent", Status.FRESH),
        (Kind.DEPLOYMENT, "ns/db", Status.FRESH),
        (Kind.STATEFULSET, "ns/db", Status.FRESH),
    ]
    assert source.heads == 1
    document = json.loads(report.to_json())
    assert [d["name"] for d in document["statefulsets"]] == ["ns/db"]
    assert [d["name"] for d in document["daemonsets"]] == ["ns/agent"]
    assert [d["name"] for d in document["deployments"]] == ["ns/db"]

    names = KubernetesWatcher(updater(cluster, source), names=("statefulset/db",))
    assert [r.kind for r in names.run_cycle().results] == [Kind.STATEFULSET]

    cluster.forbidden = frozenset({WorkloadKind.STATEFULSET, WorkloadKind.DAEMONSET})
    report = watcher.run_cycle()
    assert [r.kind for r in report.results] == [Kind.DEPLOYMENT]
    assert report.notes == [
        "statefulsets not followed: listing statefulsets in ns: forbidden by RBAC (no)",
        "daemonsets not followed: listing daemonsets in ns: forbidden by RBAC (no)",
    ]
    later = watcher.run_cycle()  # said once, not in every cycle's notification
    assert ([r.kind for r in later.results], later.notes) == ([Kind.DEPLOYMENT], [])


WEB = Deployment(
    namespace="ns",
    name="web",
    uid="u-web",
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


def test_a_rollout_that_does_not_stay_done_is_rolled_back_with_the_reason() -> None:
    """A container that exits at once, with no readiness probe, counts as available for a
    moment: the rollout looks done, then a replica stops being available (10 s are watched)."""
    cluster = FakeCluster(WEB)
    cluster.on_patch = lambda w, images: with_image(
        w, images["app"], generation=3, observed_generation=3
    )
    cluster.on_rollback = lambda w: with_image(
        w, f"{TAG}@{OLD}", generation=4, observed_generation=4, available_replicas=2
    )
    looks = [0]
    original = cluster.read_workload

    def read(kind: WorkloadKind, namespace: str, name: str) -> Workload:
        current = original(kind, namespace, name)
        looks[0] += 1
        if looks[0] >= 4 and current.generation == 3:  # the new containers have exited
            return replace(current, available_replicas=1)
        return current

    cluster.read_workload = read  # type: ignore[method-assign]
    run = updater(cluster, FakeSource({TAG: NEW}))

    [web] = run.run()

    assert (web.kind, web.status) == (Kind.DEPLOYMENT, Status.ROLLED_BACK)
    assert web.reason == (
        "1 of 2 updated replicas available within 10s of the rollout; rolled back to revision 2"
    )
    assert ("Deployment", "DockyardRolledBack", web.reason) in cluster.events


def test_a_rollout_that_stays_done_for_the_whole_hold_is_updated() -> None:
    cluster = FakeCluster(WEB)
    cluster.on_patch = lambda w, images: with_image(
        w, images["app"], generation=3, observed_generation=3
    )
    reads = [0]
    original = cluster.read_workload

    def read(kind: WorkloadKind, namespace: str, name: str) -> Workload:
        reads[0] += 1
        return original(kind, namespace, name)

    cluster.read_workload = read  # type: ignore[method-assign]
    run = updater(cluster, FakeSource({TAG: NEW}))

    [web] = run.run()

    assert web.status is Status.UPDATED
    assert reads[0] == 1 + 10  # done at the first read, then one read a second for 10 s
    assert cluster.events == [("Deployment", "DockyardUpdated", f"rolled out {NEW}")]
