"""Fixtures for ``dockyard diagram`` on the real things: a compose-labelled project on the
engine, services of our own on the three-node test swarm, objects in a namespace of our own on
the test cluster. The swarm's and the cluster's session fixtures are the ones their own tests
use (imported from their conftest files: provisioned when missing, failed when that fails); what
is made here has the test's unique suffix and is removed at teardown.

There is no ``docker compose`` plugin on this machine (``docker compose version`` fails), so the
project is made the way compose makes one: a network, a volume and containers carrying the
``com.docker.compose.*`` labels, through the SDK.
"""

from __future__ import annotations

import contextlib
import html
import json
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import docker.types
import pytest
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException

from tests.conftest import TestEnv
from tests.integration.kubernetes.conftest import (  # noqa: F401 (fixtures)
    api_client,
    apps,
    as_account,
    core,
    deployment,
    kube_images,
    kubeconfig,
    namespace,
    service_account_token,
    wait_rolled_out,
)
from tests.integration.swarm.conftest import (  # noqa: F401 (fixtures)
    Swarm,
    converged,
    host_client,
    manager_client,
    swarm,
    swarm_images,
    wait_until,
)

PROJECT_LABEL = "com.docker.compose.project"


def diagram(*args: str) -> subprocess.CompletedProcess[str]:
    """``dockyard diagram ARGS`` in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dockyard", "diagram", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def graph_of(*args: str) -> dict[str, Any]:
    done = diagram(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def svg_texts(path: Any) -> list[str]:
    """The lines of text a person reads in an SVG file."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text())]


class Picture:
    """A graph document read as a person reads the picture: boxes by "Kind: name"."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.boxes = {b["id"]: b for b in document["boxes"]}
        self.edges = document["edges"]

    def label(self, box_id: str) -> str:
        box = self.boxes[box_id]
        return f"{box['kind']}: {box['name']}"

    def names(self, kind: str) -> list[str]:
        return [b["name"] for b in self.boxes.values() if b["kind"] == kind]

    def of(self, kind: str, name: str) -> dict[str, Any]:
        found = [b for b in self.boxes.values() if b["kind"] == kind and b["name"] == name]
        assert len(found) == 1, f"{kind}: {name} appears {len(found)} times"
        return found[0]

    def links(self, kind: str) -> set[tuple[str, str, str]]:
        return {
            (self.label(e["from"]), self.label(e["to"]), e["label"])
            for e in self.edges
            if e["kind"] == kind
        }

    def place(self, box_id: str) -> str:
        targets = [e["to"] for e in self.edges if e["kind"] == "runs-on" and e["from"] == box_id]
        assert len(targets) == 1, f"{box_id} runs on {targets}"
        return self.label(targets[0])


# -- compose ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComposeProject:
    name: str
    port: int  # the web container's published port, on 127.0.0.1


@pytest.fixture
def compose_project(
    docker_client: docker.DockerClient, test_env: TestEnv, unique: str
) -> Iterator[ComposeProject]:
    """A project "dydiag<unique>" as compose makes it: services web (httpd, 8080 published on a
    port of the engine's choosing, on 127.0.0.1) and db (a named volume on /data), both on the
    project's default network."""
    project = f"dydiag{unique}"

    def labels(**extra: str) -> dict[str, str]:
        return {PROJECT_LABEL: project, **{f"com.docker.compose.{k}": v for k, v in extra.items()}}

    network = docker_client.networks.create(f"{project}_default", labels=labels(network="default"))
    volume = docker_client.volumes.create(f"{project}_data", labels=labels(volume="data"))
    containers = []
    try:
        containers.append(
            docker_client.containers.run(
                test_env.busybox,
                ["httpd", "-f", "-p", "8080", "-h", "/tmp"],
                name=f"{project}-web-1",
                labels=labels(service="web", **{"container-number": "1"}),
                network=network.name,
                ports={"8080/tcp": ("127.0.0.1", None)},
                detach=True,
            )
        )
        containers.append(
            docker_client.containers.run(
                test_env.busybox,
                ["sleep", "600"],
                name=f"{project}-db-1",
                labels=labels(service="db", **{"container-number": "1"}),
                network=network.name,
                volumes={volume.name: {"bind": "/data", "mode": "rw"}},
                detach=True,
            )
        )
        web = containers[0]
        web.reload()
        port = int(web.attrs["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"])
        yield ComposeProject(project, port)
    finally:
        for container in containers:
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True, v=True)
        with contextlib.suppress(docker.errors.APIError):
            network.remove()
        with contextlib.suppress(docker.errors.APIError):
            volume.remove(force=True)


# -- swarm --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SwarmApp:
    service: str
    network: str
    volume: str
    port: int
    label: str  # dockyard.test=<unique>


@pytest.fixture
def swarm_app(
    swarm: Swarm,  # noqa: F811
    manager_client: docker.DockerClient,  # noqa: F811
    swarm_images: Any,  # noqa: F811
    unique: str,
) -> Iterator[SwarmApp]:
    """A service of v1 (httpd on 8080), one task on each worker, on an overlay network of its
    own, a named volume on /data and a host-mode published port (the swarm has no IPVS, so
    dnsrr, as the swarm tests' services)."""
    name = f"dockyard-diagram-{unique}"
    port = random.randint(20000, 29999)
    network = manager_client.networks.create(
        f"{name}-net", driver="overlay", labels={"dockyard.test": unique}
    )
    try:
        manager_client.api.create_service(
            docker.types.TaskTemplate(
                container_spec=docker.types.ContainerSpec(
                    swarm_images.v1,
                    stop_grace_period=10**9,
                    mounts=[docker.types.Mount("/data", f"{name}-data", type="volume")],
                ),
                placement=docker.types.Placement(constraints=["node.role==worker"], maxreplicas=1),
                networks=[network.id],
            ),
            name=name,
            labels={"dockyard.test": unique},
            mode=docker.types.ServiceMode("replicated", replicas=2),
            endpoint_spec=docker.types.EndpointSpec(
                mode="dnsrr", ports={port: (8080, "tcp", "host")}
            ),
        )
        converged(swarm, name, swarm_images.v1, timeout=90)
        yield SwarmApp(name, network.name, f"{name}-data", port, f"dockyard.test={unique}")
    finally:
        with contextlib.suppress(docker.errors.NotFound):
            manager_client.api.remove_service(name)
        wait_until(
            lambda: _no_tasks(manager_client, name), timeout=60, what=f"{name}'s tasks to go"
        )
        _remove_network(manager_client, network.id)
        for host in swarm.worker_hosts:
            with contextlib.closing(docker.DockerClient(base_url=host, version="auto")) as worker:
                _remove_volume(worker, f"{name}-data")


def _no_tasks(client: docker.DockerClient, service: str) -> bool:
    try:
        return not client.api.tasks(filters={"service": service})
    except docker.errors.NotFound:
        return True


def _remove_network(client: docker.DockerClient, network_id: str) -> None:
    def removed() -> bool:
        try:
            client.api.remove_network(network_id)
        except docker.errors.NotFound:
            return True
        except docker.errors.APIError:
            return False  # its tasks' endpoints are still going
        return True

    wait_until(removed, timeout=60, what=f"network {network_id[:12]} to be removable")


def _remove_volume(client: docker.DockerClient, volume: str) -> None:
    def removed() -> bool:
        try:
            client.api.remove_volume(volume, force=True)
        except docker.errors.NotFound:
            return True
        except docker.errors.APIError:
            return False  # the task's container is still being removed
        return True

    wait_until(removed, timeout=60, what=f"volume {volume} to be removable")


# -- kubernetes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KubeApp:
    namespace: str
    name: str  # the pod's
    node: str  # the node it runs on
    node_port: int
    claim: str
    host_path: str


def _ingress(name: str, host: str) -> k8s.V1Ingress:
    backend = k8s.V1IngressBackend(
        service=k8s.V1IngressServiceBackend(name=name, port=k8s.V1ServiceBackendPort(number=80))
    )
    path = k8s.V1HTTPIngressPath(path="/", path_type="Prefix", backend=backend)
    rule = k8s.V1IngressRule(host=host, http=k8s.V1HTTPIngressRuleValue(paths=[path]))
    return k8s.V1Ingress(metadata=k8s.V1ObjectMeta(name=name), spec=k8s.V1IngressSpec(rules=[rule]))


@pytest.fixture
def kube_app(
    core: Any,  # noqa: F811
    apps: Any,  # noqa: F811
    namespace: str,  # noqa: F811
    kube_images: Any,  # noqa: F811
    unique: str,
) -> Iterator[KubeApp]:
    """In the test's namespace: a Deployment "web" of v1 (httpd on 8080, port "http") whose
    pod mounts a hostPath of its node, a NodePort Service and an Ingress to it (no ingress
    controller runs: the object is what is drawn), and a claim. The test cluster runs no
    volume binder, so the claim stays Pending and no pod mounts it; it has no
    pvc-protection controller either, so teardown takes its finalizer off, or the namespace
    would never go."""
    claim = "web-data"
    host_path = f"/tmp/dockyard-diagram-{unique}"
    core.create_namespaced_persistent_volume_claim(
        namespace,
        k8s.V1PersistentVolumeClaim(
            metadata=k8s.V1ObjectMeta(name=claim),
            spec=k8s.V1PersistentVolumeClaimSpec(
                access_modes=["ReadWriteOnce"],
                resources=k8s.V1VolumeResourceRequirements(requests={"storage": "16Mi"}),
            ),
        ),
    )
    try:
        body = deployment("web", kube_images.v1)
        pod_spec = body.spec.template.spec
        pod_spec.containers[0].ports = [k8s.V1ContainerPort(container_port=8080, name="http")]
        pod_spec.containers[0].volume_mounts = [k8s.V1VolumeMount(name="data", mount_path="/data")]
        pod_spec.volumes = [
            k8s.V1Volume(
                name="data",
                host_path=k8s.V1HostPathVolumeSource(path=host_path, type="DirectoryOrCreate"),
            )
        ]
        apps.create_namespaced_deployment(namespace, body)
        service = core.create_namespaced_service(
            namespace,
            k8s.V1Service(
                metadata=k8s.V1ObjectMeta(name="web"),
                spec=k8s.V1ServiceSpec(
                    type="NodePort",
                    selector={"app": "web"},
                    ports=[k8s.V1ServicePort(port=80, target_port="http")],
                ),
            ),
        )
        networking = k8s.NetworkingV1Api(core.api_client)
        networking.create_namespaced_ingress(namespace, _ingress("web", "web.example.test"))
        wait_rolled_out(apps, namespace, "web", timeout=120)
        pods = core.list_namespaced_pod(namespace, label_selector="app=web").items
        running = [p for p in pods if p.metadata.deletion_timestamp is None]
        assert len(running) == 1, [p.metadata.name for p in pods]
        yield KubeApp(
            namespace=namespace,
            name=running[0].metadata.name,
            node=running[0].spec.node_name,
            node_port=service.spec.ports[0].node_port,
            claim=claim,
            host_path=host_path,
        )
    finally:
        with contextlib.suppress(ApiException):
            core.patch_namespaced_persistent_volume_claim(
                claim, namespace, {"metadata": {"finalizers": None}}
            )
            core.delete_namespaced_persistent_volume_claim(claim, namespace)
        shutil.rmtree(host_path, ignore_errors=True)


# what `diagram kubernetes` lists in a namespace: (API group, resource)
DIAGRAM_READS = (
    ("", "pods"),
    ("", "services"),
    ("", "persistentvolumeclaims"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("networking.k8s.io", "ingresses"),
)


def namespaced_reader(
    api_client: Any,  # noqa: F811
    namespace: str,  # noqa: F811
    name: str,
    reads: tuple[tuple[str, str], ...],
    path: Any,
) -> str:
    """A kubeconfig of a ServiceAccount ``name`` that may list ``reads`` in ``namespace`` (a
    Role: no node, which is cluster-wide)."""
    rbac = k8s.RbacAuthorizationV1Api(api_client)
    core_api = k8s.CoreV1Api(api_client)
    core_api.create_namespaced_service_account(
        namespace, k8s.V1ServiceAccount(metadata=k8s.V1ObjectMeta(name=name))
    )
    rules = [
        k8s.V1PolicyRule(api_groups=[group], resources=[resource], verbs=["list"])
        for group, resource in reads
    ]
    rbac.create_namespaced_role(
        namespace, k8s.V1Role(metadata=k8s.V1ObjectMeta(name=name), rules=rules)
    )
    rbac.create_namespaced_role_binding(
        namespace,
        k8s.V1RoleBinding(
            metadata=k8s.V1ObjectMeta(name=name),
            role_ref=k8s.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name=name),
            subjects=[k8s.RbacV1Subject(kind="ServiceAccount", name=name, namespace=namespace)],
        ),
    )
    token = service_account_token(core_api, namespace, name)
    return as_account(api_client, token, namespace, path)
