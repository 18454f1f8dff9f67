"""Fixtures for Kubernetes: the one-node test cluster, images in the real registry, namespaces.

The cluster is the one ``scripts/provision --kubernetes`` starts: Kubernetes 1.20 built from
Debian 12's source package, its control plane on the host's 127.0.0.1, containerd and kubelet in
a network namespace of their own (docs/kubernetes-testing.md). When it is not up (no API server
answering, or no Ready node), the session brings it up with that script; if that fails, every test
here fails, none is skipped.

Each test gets a fresh namespace, deleted at teardown. Images are built on the host's Engine 20.10
and pushed to the open registry on 127.0.0.1:5000; containerd pulls them, by digest, from the
registry on its own namespace's 127.0.0.1:5000, which serves the same storage.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import random
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import docker
import docker.errors
import pytest
import yaml
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

from tests.conftest import DEFAULT_SOCKET, ENV_FILE, TestEnv, wait_until

ROOT = Path(__file__).parents[3]
PROVISION = ROOT / "scripts" / "provision"
PROVISION_TIMEOUT = 1200  # a cold start builds Kubernetes first: about 8-12 minutes on 2 cores
_T = TypeVar("_T")

# v1 and v2 serve their name on 8080 inside the pod; "v1"/"v2" differ only in that, so that
# each has a digest of its own
_DOCKERFILE = textwrap.dedent(
    """\
    FROM {base}
    LABEL dockyard.test.variant={variant}
    CMD ["sh", "-c", "echo {variant} > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
    """
)


def _kubeconfig_path() -> tuple[str, str]:
    """The env file's kubeconfig, and what is missing ("" when it is named and exists)."""
    if not ENV_FILE.is_file():
        return "", f"{ENV_FILE} is missing"
    values = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    path = values.get("DOCKYARD_TEST_KUBECONFIG", "")
    if not path:
        return "", "the test env names no kubeconfig (DOCKYARD_TEST_KUBECONFIG)"
    if not Path(path).is_file():
        return path, f"the kubeconfig {path} is missing"
    return path, ""


def _cluster_problem() -> tuple[str, str]:
    """The kubeconfig, and what is wrong with the cluster ("" when it is usable): its API server
    must answer and list exactly one node, Ready."""
    path, problem = _kubeconfig_path()
    if problem:
        return path, problem
    try:
        with k8s_config.new_client_from_config(config_file=path) as api:
            nodes = k8s.CoreV1Api(api).list_node(_request_timeout=10).items
    except Exception as exc:  # any failure means: not usable, provision it
        return path, f"the API server of {path} does not answer ({exc})"
    ready = [
        node
        for node in nodes
        if any(c.type == "Ready" and c.status == "True" for c in node.status.conditions or [])
    ]
    if len(nodes) != 1 or len(ready) != 1:
        return path, f"the cluster has {len(ready)} Ready nodes of {len(nodes)}, not 1 of 1"
    return path, ""


@pytest.fixture(scope="session")
def kubeconfig(test_env: TestEnv) -> str:
    """The admin kubeconfig of a cluster with one Ready node, provisioned if need be."""
    path, problem = _cluster_problem()
    if problem:
        run = subprocess.run(
            [str(PROVISION), "--kubernetes"],
            capture_output=True,
            text=True,
            timeout=PROVISION_TIMEOUT,
            check=False,
        )
        path, problem = _cluster_problem()
        if run.returncode != 0 or problem:
            tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
            pytest.fail(
                f"no usable test cluster ({problem or 'provision failed'}); "
                f"scripts/provision --kubernetes exited {run.returncode}:\n{tail}"
            )
    return path


@pytest.fixture(scope="session")
def api_client(kubeconfig: str) -> Iterator[k8s.ApiClient]:
    """An admin client (system:masters) of the test cluster."""
    api = k8s_config.new_client_from_config(config_file=kubeconfig)
    yield api
    api.close()


@pytest.fixture(scope="session")
def apps(api_client: k8s.ApiClient) -> k8s.AppsV1Api:
    return k8s.AppsV1Api(api_client)


@pytest.fixture(scope="session")
def core(api_client: k8s.ApiClient) -> k8s.CoreV1Api:
    return k8s.CoreV1Api(api_client)


def service_account_token(core: k8s.CoreV1Api, namespace: str, name: str) -> str:
    """The token of a ServiceAccount, from the Secret the token controller makes for it
    (Kubernetes 1.20 still does that)."""

    def secret() -> str | None:
        try:
            account = core.read_namespaced_service_account(name, namespace)
        except ApiException as exc:
            if exc.status == 404:  # the serviceaccount controller has not made it yet
                return None
            raise
        for ref in account.secrets or []:
            data = core.read_namespaced_secret(ref.name, namespace).data or {}
            if "token" in data:
                return base64.b64decode(data["token"]).decode()
        return None

    return wait_until(secret, timeout=30, what=f"a token for {namespace}/{name}")


@pytest.fixture
def namespace(core: k8s.CoreV1Api, unique: str) -> Iterator[str]:
    """A fresh namespace, ready for pods (its default ServiceAccount has its token), deleted
    at teardown."""
    name = f"dockyard-test-{unique}"
    core.create_namespace(k8s.V1Namespace(metadata=k8s.V1ObjectMeta(name=name)))
    service_account_token(core, name, "default")
    yield name
    with contextlib.suppress(ApiException):
        core.delete_namespace(name, propagation_policy="Foreground")


@dataclass(frozen=True)
class KubeImages:
    """The test variants, pushed to the open registry and named by digest."""

    v1: str
    v2: str
    missing: str  # a digest in the same repository that no manifest has


def _build_and_push(client: docker.DockerClient, base: str, repository: str, variant: str) -> str:
    dockerfile = _DOCKERFILE.format(base=base, variant=variant)
    image, _ = client.images.build(
        fileobj=io.BytesIO(dockerfile.encode()), tag=f"{repository}:{variant}", rm=True
    )
    for line in client.api.push(repository, tag=variant, stream=True, decode=True):
        if "error" in line:
            pytest.fail(f"pushing {repository}:{variant}: {line['error']}")
    image.reload()
    digests = [d for d in image.attrs["RepoDigests"] if d.startswith(f"{repository}@")]
    assert digests, f"no digest for {repository}:{variant} after the push"
    return str(digests[0])


@pytest.fixture(scope="session")
def kube_images(test_env: TestEnv) -> Iterator[KubeImages]:
    """Built on the host's Engine 20.10 (whatever DOCKYARD_TEST_ENGINE says: the cluster pulls
    from the registry, not from an engine)."""
    try:
        client = docker.DockerClient(base_url=DEFAULT_SOCKET, version="auto")
        client.ping()
    except docker.errors.DockerException as exc:
        pytest.fail(f"no engine answers at {DEFAULT_SOCKET} ({exc}): run scripts/provision")
    repository = f"{test_env.registry}/dockyard-k8s-{random.randbytes(5).hex()}"
    built = {v: _build_and_push(client, test_env.busybox, repository, v) for v in ("v1", "v2")}
    yield KubeImages(
        v1=built["v1"], v2=built["v2"], missing=f"{repository}@sha256:{random.randbytes(32).hex()}"
    )
    for variant in built:
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(f"{repository}:{variant}")
    client.close()


def deployment(
    name: str, image: str, *, replicas: int = 1, progress_deadline: int = 600
) -> k8s.V1Deployment:
    """A Deployment of ``image`` whose pods are labelled app=``name``."""
    labels = {"app": name}
    return k8s.V1Deployment(
        metadata=k8s.V1ObjectMeta(name=name, labels=labels),
        spec=k8s.V1DeploymentSpec(
            replicas=replicas,
            progress_deadline_seconds=progress_deadline,
            selector=k8s.V1LabelSelector(match_labels=labels),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels=labels),
                spec=k8s.V1PodSpec(
                    containers=[k8s.V1Container(name="app", image=image)],
                    termination_grace_period_seconds=1,
                ),
            ),
        ),
    )


def rolled_out(apps: k8s.AppsV1Api, namespace: str, name: str) -> k8s.V1Deployment | None:
    """The Deployment when its rollout is complete by kubectl's rule (``kubectl rollout
    status``): the controller has seen the latest spec (observedGeneration >= generation), and
    every replica is updated and available; else None."""
    current = apps.read_namespaced_deployment(name, namespace)
    status, wanted = current.status, current.spec.replicas
    if (status.observed_generation or 0) < current.metadata.generation:
        return None
    if (status.updated_replicas or 0) != wanted or (status.available_replicas or 0) != wanted:
        return None
    if (status.replicas or 0) != wanted:  # old replicas still terminating
        return None
    return current


def wait_rolled_out(
    apps: k8s.AppsV1Api, namespace: str, name: str, *, timeout: float = 90
) -> k8s.V1Deployment:
    return wait_until(
        lambda: rolled_out(apps, namespace, name),
        timeout=timeout,
        what=f"deployment {namespace}/{name} to roll out",
    )


def pod_images(core: k8s.CoreV1Api, namespace: str, name: str) -> list[tuple[str, str]]:
    """(spec image, resolved image ID) of the running containers of the Deployment's pods."""
    pods = core.list_namespaced_pod(namespace, label_selector=f"app={name}").items
    return [
        (status.image, status.image_id)
        for pod in pods
        if pod.metadata.deletion_timestamp is None
        for status in pod.status.container_statuses or []
        if status.state.running is not None
    ]


def condition(current: k8s.V1Deployment, kind: str) -> Any:
    """The Deployment's condition of type ``kind``, or None."""
    return next((c for c in current.status.conditions or [] if c.type == kind), None)


# -- dockyard watch --kubernetes ---------------------------------------------------------------

_VARIANTS = {
    "v1": "echo v1 > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "v2": "echo v2 > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    "broken": "echo broken; exit 1",
}


@dataclass
class AppTag:
    """``repo:app``, moved between pushed variants (``images``: variant -> image id)."""

    client: docker.DockerClient
    repository: str
    images: dict[str, str]
    auth: dict[str, str] | None = None  # for a registry with basic auth

    @property
    def ref(self) -> str:
        return f"{self.repository}:app"

    def point_at(self, variant: str) -> str:
        self.client.images.get(self.images[variant]).tag(self.repository, "app")
        for line in self.client.api.push(
            self.repository, tag="app", stream=True, decode=True, auth_config=self.auth
        ):
            if "error" in line:
                pytest.fail(f"pushing {self.ref}: {line['error']}")
        digests = self.client.images.get(self.images[variant]).attrs["RepoDigests"]
        return str(next(d for d in digests if d.startswith(self.repository)).partition("@")[2])


def built_variants(client: docker.DockerClient, base: str) -> dict[str, str]:
    images = {}
    for variant, command in _VARIANTS.items():
        text = f'FROM {base}\nLABEL v={variant}\nCMD ["sh", "-c", "{command}"]\n'
        image, _ = client.images.build(fileobj=io.BytesIO(text.encode()), rm=True)
        images[variant] = str(image.id)
    return images


@pytest.fixture(scope="module")
def app_tag(test_env: TestEnv) -> Iterator[AppTag]:
    client = docker.DockerClient(base_url=DEFAULT_SOCKET, version="auto")
    repository = f"{test_env.registry}/dockyard-kwatch-{os.urandom(4).hex()}"
    yield AppTag(client, repository, built_variants(client, test_env.busybox))
    client.close()


def watch(kubeconfig: str, namespace: str, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockyard",
            "watch",
            "--kubernetes",
            "--run-once",
            "--json",
            "--kubeconfig",
            kubeconfig,
            "--namespace",
            namespace,
            "--rollout-timeout",
            "90",
            *list(extra),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    report["exit_code"], report["stderr"] = done.returncode, done.stderr
    return report


def opted_in(name: str, image: str, **kw: Any) -> k8s.V1Deployment:
    body = deployment(name, image, **kw)
    body.metadata.annotations = {"dockyard.enable": "true"}
    return body


# -- StatefulSets and DaemonSets ---------------------------------------------------------------


def _pod_template(name: str, image: str) -> k8s.V1PodTemplateSpec:
    return k8s.V1PodTemplateSpec(
        metadata=k8s.V1ObjectMeta(labels={"app": name}),
        spec=k8s.V1PodSpec(
            containers=[k8s.V1Container(name="app", image=image)],
            termination_grace_period_seconds=1,
        ),
    )


def opted_in_statefulset(name: str, image: str, *, replicas: int = 2) -> k8s.V1StatefulSet:
    """An opted-in StatefulSet of ``image`` (OrderedReady, RollingUpdate: the defaults); its
    headless Service is not needed for the pods to run, so there is none."""
    return k8s.V1StatefulSet(
        metadata=k8s.V1ObjectMeta(name=name, annotations={"dockyard.enable": "true"}),
        spec=k8s.V1StatefulSetSpec(
            replicas=replicas,
            service_name=name,
            selector=k8s.V1LabelSelector(match_labels={"app": name}),
            template=_pod_template(name, image),
        ),
    )


def opted_in_daemonset(name: str, image: str) -> k8s.V1DaemonSet:
    """An opted-in DaemonSet of ``image``: one pod, on the cluster's one node."""
    return k8s.V1DaemonSet(
        metadata=k8s.V1ObjectMeta(name=name, annotations={"dockyard.enable": "true"}),
        spec=k8s.V1DaemonSetSpec(
            selector=k8s.V1LabelSelector(match_labels={"app": name}),
            template=_pod_template(name, image),
        ),
    )


def running_digests(core: k8s.CoreV1Api, namespace: str, name: str) -> list[str]:
    """The image digests of the ready, running containers of the pods labelled app=``name``,
    one per pod (sorted); an empty list while any pod is not ready or terminating."""
    pods = core.list_namespaced_pod(namespace, label_selector=f"app={name}").items
    digests = []
    for pod in pods:
        statuses = pod.status.container_statuses or []
        if pod.metadata.deletion_timestamp is not None or not statuses:
            return []
        for status in statuses:
            if not status.ready or status.state.running is None:
                return []
            digests.append(str(status.image_id).rpartition("@")[2])
    return sorted(digests)


def wait_running(
    core: k8s.CoreV1Api, namespace: str, name: str, digest: str, *, pods: int, timeout: float = 90
) -> None:
    """Until exactly ``pods`` pods of ``name`` run ``digest``, ready."""
    wait_until(
        lambda: running_digests(core, namespace, name) == [digest] * pods,
        timeout=timeout,
        what=f"{pods} pod(s) of {namespace}/{name} running {digest}",
    )


def as_account(api_client: k8s.ApiClient, token: str, namespace: str, path: Path) -> str:
    """A kubeconfig that is the ServiceAccount (its token, the cluster's CA)."""
    admin = api_client.configuration
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "sa",
        "clusters": [
            {
                "name": "c",
                "cluster": {"server": admin.host, "certificate-authority": admin.ssl_ca_cert},
            }
        ],
        "contexts": [
            {"name": "sa", "context": {"cluster": "c", "user": "sa", "namespace": namespace}}
        ],
        "users": [{"name": "sa", "user": {"token": token}}],
    }
    path.write_text(yaml.safe_dump(document))
    return str(path)
