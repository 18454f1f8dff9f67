"""The Swarm models read real engine JSON: documents captured from the three-node test swarm
(Engine 20.10) that ``scripts/provision --swarm`` starts, saved under tests/data/engine/."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dockyard.engine import NodeInspect, ServiceInspect, SwarmInfo, TaskInspect
from dockyard.engine._models import parse_model
from dockyard.errors import EngineError

DATA = Path(__file__).parents[2] / "data" / "engine"
REPOSITORY = "127.0.0.1:5000/dy-capture"
V1 = f"{REPOSITORY}@sha256:4c4755e595d6b65908ea611f9444350ee7f7f9ba7007c9e552b533e2547ed666"
V2 = f"{REPOSITORY}@sha256:e6fbeeffb31be6a3fe70908725419aac4e4b09357478a2fefb3b26559b70b271"
BROKEN = f"{REPOSITORY}@sha256:e71181f3f4f95244b84f106728deb9a433d14b208c63e7be1870f77f72df9d1c"


def _load(name: str) -> Any:
    return json.loads((DATA / f"swarm-{name}.json").read_text())


def _service(name: str) -> ServiceInspect:
    return ServiceInspect.model_validate(_load(name))


def test_a_new_service_reads_its_identity_spec_and_policies() -> None:
    service = _service("service-created")
    assert (service.id, service.version.index, service.name) == (
        "t3hohblg97se7ecetyzskbyg7",
        36,
        "dy-capture",
    )
    assert service.labels == {"com.example.tier": "web", "dockyard.test": "capture"}
    assert service.image == V1
    assert service.spec.replicas == 2
    update = service.spec.update_config
    assert update is not None
    assert (update.parallelism, update.delay, update.failure_action) == (
        1,
        timedelta(seconds=1),
        "rollback",
    )
    assert (update.monitor, update.max_failure_ratio, update.order) == (
        timedelta(seconds=3),
        0.0,
        "stop-first",
    )
    rollback = service.spec.rollback_config
    assert rollback is not None
    assert (rollback.parallelism, rollback.failure_action, rollback.monitor) == (
        1,
        "pause",
        timedelta(seconds=2),
    )
    assert rollback.delay == timedelta(0)  # left out by the engine: its default
    endpoint = service.spec.endpoint_spec
    assert endpoint.mode == "dnsrr"
    assert [
        (p.protocol, p.target_port, p.published_port, p.publish_mode) for p in endpoint.ports
    ] == [("tcp", 8080, 18081, "host")]
    assert service.update_status is None
    assert service.previous_spec is None
    assert service.previous_image is None


def test_an_updated_service_names_its_previous_image_and_completed_status() -> None:
    service = _service("service-updated")
    assert (service.image, service.previous_image) == (V2, V1)
    status = service.update_status
    assert status is not None
    assert (status.state, status.message) == ("completed", "update completed")
    assert status.started_at == datetime(2026, 12, 3, 8, 42, 36, 878816, tzinfo=UTC)
    assert status.completed_at is not None
    assert status.completed_at > status.started_at
    assert (status.in_progress, status.paused, status.rolled_back) == (False, False, False)


def test_a_failed_update_rolled_back_by_the_manager_drops_the_previous_spec() -> None:
    service = _service("service-rolled-back")
    assert service.image == V2
    assert service.previous_image is None
    status = service.update_status
    assert status is not None
    assert (status.state, status.message) == ("rollback_completed", "rollback completed")
    assert status.rolled_back
    assert not status.in_progress


def test_a_paused_update_keeps_the_failing_image_and_names_the_failed_task() -> None:
    service = _service("service-paused")
    assert (service.image, service.previous_image) == (BROKEN, V2)
    status = service.update_status
    assert status is not None
    assert status.state == "paused"
    assert status.paused
    assert status.message.startswith("update paused due to failure or early termination of task")
    assert status.completed_at is None


def test_a_requested_rollback_swaps_the_spec_and_the_previous_spec() -> None:
    service = _service("service-manual-rollback")
    assert (service.image, service.previous_image) == (V2, BROKEN)
    assert service.update_status is not None
    assert service.update_status.state == "rollback_completed"


def test_the_service_list_reads_as_the_same_model() -> None:
    services = [ServiceInspect.model_validate(d) for d in _load("services")]
    assert [s.name for s in services] == ["dy-capture"]


def test_tasks_read_slot_node_states_image_and_error() -> None:
    tasks = [TaskInspect.model_validate(d) for d in _load("tasks")]
    assert {t.service_id for t in tasks} == {"t3hohblg97se7ecetyzskbyg7"}
    running = sorted((t for t in tasks if t.wanted), key=lambda t: t.slot or 0)
    assert [(t.slot, t.state, t.image) for t in running] == [(1, "running", V2), (2, "running", V2)]
    assert all(t.running and not t.finished for t in running)
    assert len({t.node_id for t in running}) == 2  # one replica per worker
    failed = [t for t in tasks if t.failed]
    assert [(t.slot, t.image, t.status.err, t.status.exit_code) for t in failed] == [
        (1, BROKEN, "task: non-zero exit (1)", 1)
    ]
    assert failed[0].desired_state == "shutdown"
    assert failed[0].finished


def test_nodes_read_hostname_role_state_availability_and_manager_status() -> None:
    nodes = sorted(
        (NodeInspect.model_validate(d) for d in _load("nodes")), key=lambda n: n.hostname
    )
    assert [(n.hostname, n.role, n.state, n.availability, n.ready) for n in nodes] == [
        ("swarm-manager", "manager", "ready", "active", True),
        ("swarm-worker1", "worker", "ready", "active", True),
        ("swarm-worker2", "worker", "ready", "active", True),
    ]
    manager = nodes[0].manager_status
    assert manager is not None
    assert (manager.leader, manager.reachability, manager.addr) == (
        True,
        "reachable",
        "10.77.0.1:2377",
    )
    assert [n.manager_status for n in nodes[1:]] == [None, None]
    assert nodes[1].status.addr == "10.77.0.2"
    assert nodes[0].description.engine.engine_version == "20.10.24+dfsg1"


@pytest.mark.parametrize(
    ("name", "state", "manager"),
    [
        ("info-manager", "active", True),
        ("info-worker", "active", False),
        ("info-not-swarm", "inactive", False),
    ],
)
def test_the_swarm_part_of_info_tells_a_manager_apart(name: str, state: str, manager: bool) -> None:
    swarm = SwarmInfo.model_validate(_load(name)["Swarm"])
    assert (swarm.local_node_state, swarm.is_manager) == (state, manager)


def test_a_manager_names_its_cluster_and_counts_nodes() -> None:
    swarm = SwarmInfo.model_validate(_load("info-manager")["Swarm"])
    assert (swarm.node_addr, swarm.nodes, swarm.managers) == ("10.77.0.1", 3, 1)
    assert swarm.cluster_id == "kbsz341z1ej0mszs8l1n4mzh6"
    worker = SwarmInfo.model_validate(_load("info-worker")["Swarm"])
    assert (worker.node_addr, worker.cluster_id, worker.nodes) == ("10.77.0.2", "", 0)


def test_a_service_without_a_spec_is_an_engine_error_naming_the_field() -> None:
    document = _load("service-created")
    del document["Spec"]
    with pytest.raises(EngineError, match=r"inspecting service x: .*\(Spec: Field required\)"):
        parse_model(ServiceInspect, document, what="inspecting service x")


def test_nulls_read_as_empty() -> None:
    document = _load("service-created")
    document["Spec"]["Labels"] = None
    document["Spec"]["EndpointSpec"]["Ports"] = None
    service = ServiceInspect.model_validate(document)
    assert (service.labels, service.spec.endpoint_spec.ports) == ({}, [])
