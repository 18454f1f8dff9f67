"""dockyard's engine functions against a real three-node swarm: typed reads of services, tasks
and nodes; image updates by digest that converge on both workers; rollbacks asked for, and
rollbacks the manager does by itself when the new image's tasks fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import docker
import pytest

from dockyard.engine import (
    Engine,
    inspect_service,
    is_swarm_manager,
    list_nodes,
    list_services,
    list_tasks,
    rollback_service,
    update_service_image,
)
from dockyard.errors import EngineError, ServiceNotFound
from tests.integration.swarm.conftest import (
    ServiceFactory,
    Swarm,
    SwarmImages,
    converged,
    wait_until,
)


def _served_by_both_workers(swarm: Swarm, port: int, text: str) -> None:
    for worker in sorted(n.hostname for n in swarm.workers()):
        wait_until(
            lambda w=worker: swarm.fetch(w, port) == text,  # type: ignore[misc]
            timeout=20,
            what=f"{worker} serving {text!r} on its port {port}",
        )


def test_the_manager_and_its_nodes_read_as_typed_models(swarm: Swarm) -> None:
    assert is_swarm_manager(swarm.manager)
    for host in swarm.worker_hosts:
        with Engine(base_url=host) as worker:
            assert not is_swarm_manager(worker)
            with pytest.raises(EngineError, match="not a swarm manager"):
                list_nodes(worker)
    nodes = sorted(list_nodes(swarm.manager), key=lambda n: n.hostname)
    assert [(n.hostname, n.role, n.state, n.availability) for n in nodes] == [
        ("swarm-manager", "manager", "ready", "active"),
        ("swarm-worker1", "worker", "ready", "active"),
        ("swarm-worker2", "worker", "ready", "active"),
    ]
    assert nodes[0].manager_status is not None
    assert nodes[0].manager_status.leader
    assert [n.status.addr for n in nodes] == ["10.77.0.1", "10.77.0.2", "10.77.0.3"]


def test_a_real_service_and_its_tasks_read_as_typed_models(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory, unique: str
) -> None:
    name, port = services.create(swarm_images.v1)
    service = inspect_service(swarm.manager, service=name)
    assert (service.name, service.image, service.spec.replicas) == (name, swarm_images.v1, 2)
    assert service.labels == {"dockyard.test": unique}
    update = service.spec.update_config
    assert update is not None
    assert (update.parallelism, update.failure_action, update.monitor, update.order) == (
        1,
        "rollback",
        timedelta(seconds=3),
        "stop-first",
    )
    assert service.spec.rollback_config is not None
    assert service.spec.rollback_config.monitor == timedelta(seconds=2)
    assert service.spec.endpoint_spec.mode == "dnsrr"
    assert [(p.target_port, p.published_port, p.publish_mode) for p in service.endpoint.ports] == [
        (8080, port, "host")
    ]
    assert service.previous_image is None
    assert [s.id for s in list_services(swarm.manager, labels={"dockyard.test": unique})] == [
        service.id
    ]
    assert list_services(swarm.manager, labels={"dockyard.test": unique + "-none"}) == []

    tasks = list_tasks(swarm.manager, service=name, desired_state="running")
    workers = {n.id: n.hostname for n in swarm.workers()}
    assert sorted((t.slot, t.state, t.image) for t in tasks) == [
        (1, "running", swarm_images.v1),
        (2, "running", swarm_images.v1),
    ]
    assert {t.node_id for t in tasks} == set(workers)
    assert {t.service_id for t in tasks} == {service.id}
    _served_by_both_workers(swarm, port, "v1")


def test_an_image_update_by_digest_converges_on_every_replica_across_the_workers(
    swarm: Swarm,
    swarm_images: SwarmImages,
    services: ServiceFactory,
    manager_client: docker.DockerClient,
) -> None:
    name, port = services.create(swarm_images.v1)
    before = inspect_service(swarm.manager, service=name)
    spec_before = manager_client.api.inspect_service(name)["Spec"]
    since = datetime.now(UTC)
    result = update_service_image(swarm.manager, service=name, image=swarm_images.v2)
    assert (result.service_id, result.version, result.image_before) == (
        before.id,
        before.version.index,
        swarm_images.v1,
    )
    after = converged(swarm, name, swarm_images.v2, state="completed", since=since)
    assert after.version.index > before.version.index
    assert after.previous_image == swarm_images.v1
    assert after.update_status is not None
    assert after.update_status.completed_at is not None
    # the rest of the spec, as the engine stores it, is as it was: only the image changed
    spec_after = manager_client.api.inspect_service(name)["Spec"]
    assert spec_after["TaskTemplate"]["ContainerSpec"].pop("Image") == swarm_images.v2
    spec_before["TaskTemplate"]["ContainerSpec"].pop("Image")
    assert spec_after == spec_before
    _served_by_both_workers(swarm, port, "v2")


def test_a_rollback_returns_to_the_previous_image(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory
) -> None:
    name, port = services.create(swarm_images.v1)
    since = datetime.now(UTC)
    update_service_image(swarm.manager, service=name, image=swarm_images.v2)
    converged(swarm, name, swarm_images.v2, state="completed", since=since)

    since = datetime.now(UTC)
    rollback_service(swarm.manager, service=name)
    after = converged(swarm, name, swarm_images.v1, state="rollback_completed", since=since)
    assert after.image == swarm_images.v1
    assert after.previous_image == swarm_images.v2  # a rollback asked for swaps the two specs
    _served_by_both_workers(swarm, port, "v1")


def test_an_update_whose_tasks_fail_is_rolled_back_by_the_manager(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory
) -> None:
    name, port = services.create(swarm_images.v1)
    since = datetime.now(UTC)
    update_service_image(swarm.manager, service=name, image=swarm_images.broken)
    after = converged(swarm, name, swarm_images.v1, state="rollback_completed", since=since)
    status = after.update_status
    assert status is not None
    assert status.rolled_back
    assert status.completed_at is not None
    assert after.image == swarm_images.v1
    assert after.previous_image is None  # the manager drops the failed spec
    failed = [t for t in list_tasks(swarm.manager, service=name) if t.failed]
    assert failed, "no failed task of the broken image"
    assert {(t.image, t.status.err, t.status.exit_code) for t in failed} == {
        (swarm_images.broken, "task: non-zero exit (1)", 1)
    }
    _served_by_both_workers(swarm, port, "v1")


def test_credentials_are_forwarded_to_the_workers_that_pull(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory
) -> None:
    """The service starts on the open registry, so it has no credentials of its own: the
    workers can pull the private image only with those the update forwards."""
    name, port = services.create(swarm_images.v1)
    since = datetime.now(UTC)
    update_service_image(
        swarm.manager, service=name, image=swarm_images.private, auth=swarm_images.auth
    )
    converged(swarm, name, swarm_images.private, state="completed", since=since)
    _served_by_both_workers(swarm, port, "private")


def test_without_credentials_the_private_image_cannot_be_pulled_and_is_rolled_back(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory
) -> None:
    name, _ = services.create(swarm_images.v1)
    since = datetime.now(UTC)
    update_service_image(swarm.manager, service=name, image=swarm_images.unpulled)
    converged(swarm, name, swarm_images.v1, state="rollback_completed", since=since)
    refused = [
        t
        for t in list_tasks(swarm.manager, service=name)
        if t.image == swarm_images.unpulled and t.failed
    ]
    assert refused, "no task of the private image failed"
    assert all("No such image" in t.status.err for t in refused), [t.status.err for t in refused]


def test_an_unknown_service_is_service_not_found(swarm: Swarm, unique: str) -> None:
    missing = f"dockyard-swarm-{unique}-missing"
    with pytest.raises(ServiceNotFound):
        inspect_service(swarm.manager, service=missing)
    with pytest.raises(ServiceNotFound):
        list_tasks(swarm.manager, service=missing)
    with pytest.raises(ServiceNotFound):
        update_service_image(swarm.manager, service=missing, image="127.0.0.1:5000/x:1")
