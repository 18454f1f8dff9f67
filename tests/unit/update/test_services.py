"""Swarm services: the decisions as pure functions, and every rollout and rollback path of the
updater against an in-memory manager (tests/integration/swarm runs them on a real swarm)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from dockyard.engine import ServiceInspect, UpdateStatus
from dockyard.update import (
    Backoff,
    CheckResult,
    RemoteDigest,
    Selection,
    ServiceAction,
    ServiceSettings,
    ServiceUpdater,
    Status,
    decide_service,
    default_policy,
    followed_tag,
)
from dockyard.update._report import CycleReport, Kind

from .fake_swarm import FakeSwarm

OLD = "sha256:" + "1" * 64
NEW = "sha256:" + "2" * 64
TAG = "registry.local:5000/app:1"


class Registry:
    def __init__(self, digests: dict[str, str]) -> None:
        self.digests = digests
        self.asked: list[str] = []

    def remote_digest(self, ref: str) -> RemoteDigest:
        self.asked.append(ref)
        return RemoteDigest(digest=self.digests[ref])


def updater(swarm: FakeSwarm, registry: Registry, **selection: object) -> ServiceUpdater:
    return ServiceUpdater(
        ops=swarm,
        source=registry,
        backoff=Backoff(),
        selection=Selection(**selection),  # type: ignore[arg-type]
        monitor_only=False,
        auth_for=lambda ref: {"username": "u", "password": "p"},
        settings=ServiceSettings(timeout=5.0, poll=0.1),
        sleep=lambda _s: None,
    )


# -- pure decisions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (f"{TAG}@{OLD}", (TAG, OLD)),
        (TAG, (TAG, None)),
        (f"registry.local:5000/app@{OLD}", ("", OLD)),
        ("localhost:5000/app", ("localhost:5000/app", None)),
    ],
)
def test_followed_tag(image: str, expected: tuple[str, str | None]) -> None:
    assert followed_tag(image) == expected


def decide(image: str, digest: str | None, **kw: object) -> tuple[ServiceAction, str | None]:
    check = CheckResult(ref=followed_tag(image)[0], digest=digest, error=None if digest else "500")
    decision = decide_service(
        image=image,
        labels=kw.pop("labels", {}),  # type: ignore[arg-type]
        check=check,
        monitor_only=bool(kw.pop("monitor_only", False)),
        update_status=kw.pop("status", None),  # type: ignore[arg-type]
        rolled_back=kw.pop("rolled_back", frozenset()),  # type: ignore[arg-type]
    )
    return decision.action, decision.image


def test_decide_service() -> None:
    assert decide(f"{TAG}@{OLD}", OLD) == (ServiceAction.FRESH, None)
    assert decide(f"{TAG}@{OLD}", NEW) == (ServiceAction.UPDATE, f"{TAG}@{NEW}")
    assert decide(TAG, NEW) == (ServiceAction.UPDATE, f"{TAG}@{NEW}")  # not pinned yet
    assert decide(f"{TAG}@{OLD}", None)[0] is ServiceAction.CHECK_FAILED
    assert decide(f"registry.local:5000/app@{OLD}", NEW)[0] is ServiceAction.SKIP
    assert decide(f"{TAG}@{OLD}", NEW, monitor_only=True)[0] is ServiceAction.SKIP
    label = {"com.centurylinklabs.watchtower.monitor-only": "true"}
    assert decide(f"{TAG}@{OLD}", NEW, labels=label)[0] is ServiceAction.SKIP
    assert decide(f"{TAG}@{OLD}", NEW, rolled_back=frozenset({NEW}))[0] is ServiceAction.SKIP
    busy = UpdateStatus.model_validate({"State": "updating"})
    assert decide(f"{TAG}@{OLD}", NEW, status=busy)[0] is ServiceAction.BUSY


def spec(document: dict[str, object]) -> ServiceInspect:
    return ServiceInspect.model_validate(
        {"ID": "x", "Version": {"Index": 1}, "Spec": {"Name": "web", **document}}
    )


def test_default_policy_only_where_there_is_none_and_start_first_unless_host_ports() -> None:
    monitor = timedelta(seconds=10)
    plain = default_policy(spec({}).spec, monitor=monitor)
    assert plain is not None
    assert (plain.order, plain.failure_action, plain.parallelism) == ("start-first", "rollback", 1)
    host = {"Ports": [{"TargetPort": 80, "PublishedPort": 80, "PublishMode": "host"}]}
    hosted = default_policy(spec({"EndpointSpec": host}).spec, monitor=monitor)
    assert hosted is not None
    assert hosted.order == "stop-first"
    limited = {"ContainerSpec": {"Image": "x"}, "Placement": {"MaxReplicas": 1}}
    one_per_node = default_policy(spec({"TaskTemplate": limited}).spec, monitor=monitor)
    assert one_per_node is not None
    assert one_per_node.order == "stop-first"  # no room on a node for the extra task
    own = spec({"UpdateConfig": {"FailureAction": "pause"}}).spec
    assert default_policy(own, monitor=monitor) is None


# -- the updater on an in-memory manager -------------------------------------------------------


def test_a_new_digest_is_rolled_out_pinned_with_credentials_and_safe_defaults() -> None:
    swarm = FakeSwarm()
    swarm.add("web", f"{TAG}@{OLD}")
    registry = Registry({TAG: NEW})
    [result] = updater(swarm, registry).run()
    assert (result.status, result.kind, result.old_image_id, result.new_image_id) == (
        Status.UPDATED,
        Kind.SERVICE,
        OLD,
        NEW,
    )
    [(name, image, auth, policy)] = swarm.updates
    assert (name, image, auth) == ("web", f"{TAG}@{NEW}", {"username": "u", "password": "p"})
    assert policy is not None
    assert policy.failure_action == "rollback"
    assert swarm.inspect("id-web").image == f"{TAG}@{NEW}"


def test_one_head_per_tag_and_unchanged_services_are_fresh() -> None:
    swarm = FakeSwarm()
    for name in ("a", "b", "c"):
        swarm.add(name, f"{TAG}@{OLD}")
    registry = Registry({TAG: OLD})
    results = updater(swarm, registry).run()
    assert [r.status for r in results] == [Status.FRESH] * 3
    assert registry.asked == [TAG]
    assert swarm.updates == []


def test_the_managers_own_rollback_is_reported_and_the_digest_not_retried() -> None:
    swarm = FakeSwarm(broken_images=frozenset({f"{TAG}@{NEW}"}))
    swarm.add("web", f"{TAG}@{OLD}", failure_action="rollback")
    registry = Registry({TAG: NEW})
    watcher = updater(swarm, registry)
    [result] = watcher.run()
    assert result.status is Status.ROLLED_BACK
    assert "rolled back" in (result.reason or "")
    assert swarm.inspect("id-web").image == f"{TAG}@{OLD}"
    assert swarm.rollbacks == []  # the manager did it
    [again] = watcher.run()
    assert again.status is Status.SKIPPED
    assert len(swarm.updates) == 1


@pytest.mark.parametrize("action", ["pause", "continue"])
def test_a_paused_or_failing_update_is_rolled_back_by_dockyard(action: str) -> None:
    swarm = FakeSwarm(broken_images=frozenset({f"{TAG}@{NEW}"}))
    swarm.add("web", f"{TAG}@{OLD}", failure_action=action)
    [result] = updater(swarm, Registry({TAG: NEW})).run()
    assert result.status is Status.ROLLED_BACK
    assert swarm.rollbacks == ["web"]
    service = swarm.inspect("id-web")
    assert service.image == f"{TAG}@{OLD}"
    assert {t.image for t in swarm.tasks("id-web")} == {f"{TAG}@{OLD}"}
    assert swarm.updates[0][3] is None  # the service's own UpdateConfig is honoured


def test_a_service_mid_update_is_left_alone() -> None:
    swarm = FakeSwarm()
    swarm.add("web", f"{TAG}@{OLD}", updating=True)
    [result] = updater(swarm, Registry({TAG: NEW})).run()
    assert result.status is Status.SKIPPED
    assert swarm.updates == []


def test_labels_select_services_as_they_select_containers() -> None:
    swarm = FakeSwarm()
    swarm.add("on", f"{TAG}@{OLD}", labels={"com.centurylinklabs.watchtower.enable": "true"})
    swarm.add("off", f"{TAG}@{OLD}", labels={"dockyard.enable": "false"})
    swarm.add("plain", f"{TAG}@{OLD}")
    assert [r.name for r in updater(swarm, Registry({TAG: OLD})).run()] == ["on", "plain"]
    only = updater(swarm, Registry({TAG: OLD}), label_enable=True).run()
    assert [r.name for r in only] == ["on"]


def test_report_lists_services_apart_in_json() -> None:
    swarm = FakeSwarm()
    swarm.add("web", f"{TAG}@{OLD}")
    report = CycleReport(results=updater(swarm, Registry({TAG: NEW})).run(), swarm_manager=True)
    data = json.loads(report.to_json())
    assert data["containers"] == []
    assert [(s["name"], s["status"]) for s in data["services"]] == [("web", "updated")]
    assert "service web" in report.text()
