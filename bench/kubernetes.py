"""`dockyard watch --kubernetes` on Deployments, side by side with kubectl run by hand.

On the one-node test cluster of ``scripts/provision --kubernetes`` (Kubernetes 1.20 built from
Debian's source, containerd pulling from the registry on 127.0.0.1:5000), in one run, in a
namespace of its own:

- an unchanged cycle over ``--deployments`` Deployments following ten tags: wall time of the
  updater's pass (what each cycle of the daemon does, start-up excluded: listing the workloads,
  one HEAD per tag, the decisions) and the registry requests it made;
- a new digest pushed -> every replica running it: dockyard's cycle (check, patch, wait by
  kubectl's rule) against ``kubectl set image`` + ``kubectl rollout status`` run by hand on a
  Deployment of the same shape, the two taking turns;
- images that exit at once: how many of the Deployments given one end rolled back, their pods
  on the old digest again.

Prints a table, writes ``bench/out/kubernetes.json``; ``--write-docs`` rewrites the Kubernetes
section of ``docs/benchmarks.md``.

    .venv/bin/python -P bench/kubernetes.py [--deployments 50] [--rounds 3] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import glob
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import kubernetes.client as k8s
import kubernetes.config as k8s_config
from kubernetes.client.rest import ApiException

from dockyard.kube import Cluster
from dockyard.update import (
    ClusterDeployments,
    DeploymentUpdater,
    KubernetesSettings,
    RegistryDigestSource,
    RemoteDigest,
    Status,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench/out/kubernetes.json"
BENCHMARKS_DOC = ROOT / "docs/benchmarks.md"
SECTION = "## kubernetes: `dockyard watch --kubernetes` vs `kubectl set image`"
COMMAND = ".venv/bin/python -P bench/kubernetes.py --write-docs"
ENV_FILE = Path(os.environ.get("DOCKYARD_TEST_ENV", "/tmp/dockyard-test.env"))
REGISTRY = "127.0.0.1:5000"
BASE = "local/busybox:1"
TAGS = 10
PROGRESS_DEADLINE = 10  # seconds, for the failing images' Deployments
_DOCKERFILE = 'FROM {base}\nLABEL bench={variant}\nCMD ["sh", "-c", "{command}"]\n'
_COMMANDS = {"ok": "exec sleep 100000", "broken": "echo broken; exit 1"}


class CountingSource:
    """The real registry client, counting the requests a cycle makes."""

    def __init__(self, inner: RegistryDigestSource) -> None:
        self.inner = inner
        self.heads = 0
        self._lock = threading.Lock()

    def remote_digest(self, ref: str) -> RemoteDigest:
        with self._lock:
            self.heads += 1
        return self.inner.remote_digest(ref)


def env_values() -> dict[str, str]:
    lines = ENV_FILE.read_text().splitlines() if ENV_FILE.is_file() else []
    return dict(line.split("=", 1) for line in lines if "=" in line)


def provision_kubernetes() -> str:
    subprocess.run(
        [str(ROOT / "scripts/provision"), "--kubernetes"], check=True, capture_output=True
    )
    kubeconfig = env_values().get("DOCKYARD_TEST_KUBECONFIG")
    if not kubeconfig:
        sys.exit("bench/kubernetes.py: scripts/provision --kubernetes named no kubeconfig")
    return kubeconfig


def find_kubectl(given: str | None) -> list[str]:
    """``--kubectl``, else the kubectl provision built with the cluster (same version), else the
    one on PATH."""
    if given:
        return [given]
    built = sorted(glob.glob("/var/cache/dockyard-k8s/bin/*/kubectl"))
    built += sorted(glob.glob("/run/dockyard-k8s/**/kubectl", recursive=True))
    found = built[-1] if built else shutil.which("kubectl")
    if not found:
        sys.exit("bench/kubernetes.py: no kubectl (provision builds one, or put one on PATH)")
    return [found]


class Bench:
    def __init__(
        self, *, kubeconfig: str, kubectl: list[str], deployments: int, rounds: int, failing: int
    ) -> None:
        self.kubeconfig = kubeconfig
        self.count = deployments
        self.rounds = rounds
        self.failing_count = failing
        self.suffix = random.randbytes(4).hex()
        self.namespace = f"dockyard-bench-{self.suffix}"
        self.repository = f"{REGISTRY}/dockyard-bench-k8s-{self.suffix}"
        self.host = docker.DockerClient(base_url="unix:///var/run/docker.sock", version="auto")
        self.api = k8s_config.new_client_from_config(config_file=kubeconfig)
        self.apps = k8s.AppsV1Api(self.api)
        self.core = k8s.CoreV1Api(self.api)
        self.cluster = Cluster(kubeconfig=kubeconfig, namespace=self.namespace)
        self.kubectl = kubectl
        version = subprocess.run(
            [*self.kubectl, "version", "--client", "-o", "json"], capture_output=True, text=True
        )
        try:
            client_version = json.loads(version.stdout)["clientVersion"]["gitVersion"]
        except (ValueError, KeyError):
            client_version = ""
        self.first_digest = ""
        self.results: dict[str, Any] = {
            "deployments": deployments,
            "tags": TAGS,
            "kubectl": self.kubectl[0],
            "kubectl_version": client_version,
            "load_average_at_start": round(os.getloadavg()[0], 2),
        }

    # -- images and Deployments ----------------------------------------------------------------

    def build(self, variant: str, marker: str) -> str:
        text = _DOCKERFILE.format(base=BASE, variant=marker, command=_COMMANDS[variant])
        image, _ = self.host.images.build(fileobj=io.BytesIO(text.encode()), rm=True)
        return str(image.id)

    def push(self, image_id: str, tag: str) -> str:
        self.host.images.get(image_id).tag(self.repository, tag)
        for line in self.host.api.push(self.repository, tag=tag, stream=True, decode=True):
            if "error" in line:
                sys.exit(f"bench/kubernetes.py: pushing {self.repository}:{tag}: {line['error']}")
        digests = self.host.images.get(image_id).attrs["RepoDigests"]
        return str(next(d for d in digests if d.startswith(self.repository)).partition("@")[2])

    def create(self, name: str, tag: str, digest: str, *, group: str, deadline: int = 600) -> None:
        labels = {"app": name}
        body = k8s.V1Deployment(
            metadata=k8s.V1ObjectMeta(
                name=name, labels={"bench": group}, annotations={"dockyard.enable": "true"}
            ),
            spec=k8s.V1DeploymentSpec(
                replicas=1,
                progress_deadline_seconds=deadline,
                selector=k8s.V1LabelSelector(match_labels=labels),
                template=k8s.V1PodTemplateSpec(
                    metadata=k8s.V1ObjectMeta(labels={**labels, "bench": group}),
                    spec=k8s.V1PodSpec(
                        containers=[
                            k8s.V1Container(name="app", image=f"{self.repository}:{tag}@{digest}")
                        ],
                        termination_grace_period_seconds=1,
                    ),
                ),
            ),
        )
        self.apps.create_namespaced_deployment(self.namespace, body)

    def running(self, name: str, digest: str) -> bool:
        """Every pod of the Deployment runs ``digest``, ready, and no other pod is left."""
        pods = self.core.list_namespaced_pod(self.namespace, label_selector=f"app={name}").items
        if not pods:
            return False
        for pod in pods:
            statuses = pod.status.container_statuses or []
            if pod.metadata.deletion_timestamp is not None or not statuses:
                return False
            if not all(s.ready and str(s.image_id).endswith(f"@{digest}") for s in statuses):
                return False
        return True

    def remove(self, group: str) -> None:
        """Delete a group's Deployments and wait until their pods are gone: the test node takes
        60 pods, and the other tests on the cluster need some."""
        self.apps.delete_collection_namespaced_deployment(
            self.namespace, label_selector=f"bench={group}", propagation_policy="Foreground"
        )

        def gone() -> bool:
            deployments = self.apps.list_namespaced_deployment(
                self.namespace, label_selector=f"bench={group}"
            ).items
            pods = self.core.list_namespaced_pod(self.namespace, label_selector=f"bench={group}")
            return not deployments and not pods.items

        self.wait(gone, timeout=600, what=f"the {group} Deployments to go")

    def settles(self, name: str, digest: str, *, timeout: float = 180) -> bool:
        """Whether every pod runs ``digest`` within ``timeout`` (a rollout that kubectl's rule
        calls done may still have an old pod terminating, for long on a busy node)."""
        deadline = time.monotonic() + timeout
        while not self.running(name, digest):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def wait(self, condition: Callable[[], bool], *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                sys.exit(f"bench/kubernetes.py: timed out waiting for {what}")
            time.sleep(0.2)

    def updater(self, source: Any, *, stable: float | None = None) -> DeploymentUpdater:
        settings = KubernetesSettings(namespace=self.namespace, timeout=120)
        if stable is not None:
            settings = dataclasses.replace(settings, stable=stable)
        return DeploymentUpdater(
            ops=ClusterDeployments(self.cluster, namespace=self.namespace),
            source=source,
            settings=settings,
        )

    # -- the measurements ----------------------------------------------------------------------

    def setup(self) -> None:
        self.core.create_namespace(k8s.V1Namespace(metadata=k8s.V1ObjectMeta(name=self.namespace)))
        self.wait(self._default_account, timeout=60, what="the namespace's service account")
        print(f"building and pushing {TAGS} tags", file=sys.stderr)
        first = self.build("ok", "v0")
        digests = [self.push(first, f"t{i}") for i in range(TAGS)]
        self.first_digest = digests[0]
        print(f"creating {self.count} Deployments", file=sys.stderr)
        for i in range(self.count):
            self.create(f"bench-{i:03d}", f"t{i % TAGS}", digests[i % TAGS], group="unchanged")
        for i in range(self.count):
            name = f"bench-{i:03d}"
            self.wait(lambda n=name: self.running(n, digests[0]), timeout=600, what=name)

    def _default_account(self) -> bool:
        try:
            account = self.core.read_namespaced_service_account("default", self.namespace)
        except ApiException:
            return False
        return bool(account.secrets)

    def unchanged(self) -> None:
        registry = RegistryDigestSource(environ=os.environ)
        source = CountingSource(registry)
        updater = self.updater(source)
        seconds = []
        for _ in range(self.rounds + 1):  # the first one warms the connections
            source.heads = 0
            started = time.perf_counter()
            results = updater.run()
            seconds.append(time.perf_counter() - started)
            if any(r.status is not Status.FRESH for r in results) or len(results) != self.count:
                sys.exit(
                    f"bench/kubernetes.py: the unchanged cycle was not all fresh: {results[:3]}"
                )
        registry.close()
        self.results["unchanged"] = {
            "cycle_seconds": round(statistics.median(seconds[1:]), 3),
            "runs": [round(s, 3) for s in seconds[1:]],
            "registry_heads": source.heads,
        }

    def rollout(self) -> None:
        """One tag per round: a new digest, once by dockyard, once by kubectl."""
        registry = RegistryDigestSource(environ=os.environ)
        # kubectl's rule alone, as `kubectl rollout status` waits: without the 10 s dockyard then
        # keeps watching a finished rollout (the failing cycle below has them)
        updater = self.updater(registry, stable=0)
        ours: list[float] = []
        theirs: list[float] = []
        for round_no in range(self.rounds):
            tag = f"r{round_no}"
            old = self.push(self.build("ok", f"old{round_no}"), tag)
            name_dy, name_cli = f"roll-d{round_no}", f"roll-c{round_no}"
            for name in (name_dy, name_cli):
                self.create(name, tag, old, group=f"rollout{round_no}")
            for name in (name_dy, name_cli):
                self.wait(lambda n=name, d=old: self.running(n, d), timeout=120, what=name)
            new = self.push(self.build("ok", f"new{round_no}"), tag)
            sides = [("dockyard", name_dy), ("kubectl", name_cli)]
            for side, name in sides if round_no % 2 == 0 else sides[::-1]:
                started = time.perf_counter()
                if side == "dockyard":
                    [result] = updater.run(names=(name,))
                    ours.append(time.perf_counter() - started)
                    if result.status is not Status.UPDATED:
                        sys.exit(f"bench/kubernetes.py: dockyard did not update {name}: {result}")
                else:
                    self._kubectl(
                        "set", "image", f"deployment/{name}", f"app={self.repository}:{tag}@{new}"
                    )
                    self._kubectl("rollout", "status", f"deployment/{name}", "--timeout=120s")
                    theirs.append(time.perf_counter() - started)
            for name in (name_dy, name_cli):
                self.wait(
                    lambda n=name, d=new: self.running(n, d), timeout=180, what=f"{name} on {new}"
                )
            self.remove(f"rollout{round_no}")
        registry.close()
        self.results["rollout"] = {
            "dockyard_seconds": round(statistics.median(ours), 3),
            "kubectl_seconds": round(statistics.median(theirs), 3),
            "dockyard_runs": [round(s, 3) for s in ours],
            "kubectl_runs": [round(s, 3) for s in theirs],
        }

    def _kubectl(self, *args: str) -> None:
        subprocess.run(
            [*self.kubectl, "--kubeconfig", self.kubeconfig, "-n", self.namespace, *args],
            check=True,
            capture_output=True,
        )

    def failing(self) -> None:
        """Every failing Deployment in one cycle: each gets a broken image of its tag."""
        registry = RegistryDigestSource(environ=os.environ)
        good: dict[str, str] = {}
        for i in range(self.failing_count):
            tag, name = f"f{i}", f"fail-{i}"
            good[name] = self.push(self.build("ok", f"good{i}"), tag)
            self.create(name, tag, good[name], group="failing", deadline=PROGRESS_DEADLINE)
        for name, digest in good.items():
            self.wait(lambda n=name, d=digest: self.running(n, d), timeout=120, what=name)
        for i in range(self.failing_count):
            self.push(self.build("broken", f"broken{i}"), f"f{i}")
        started = time.perf_counter()
        results = self.updater(registry).run(names=tuple(good))
        seconds = time.perf_counter() - started
        back = 0
        for result in results:
            name = result.name.partition("/")[2]
            if result.status is Status.ROLLED_BACK and self.settles(name, good[name]):
                back += 1
        registry.close()
        self.results["failing"] = {
            "tries": self.failing_count,
            "rolled_back": back,
            "cycle_seconds": round(seconds, 1),
            "progress_deadline_seconds": PROGRESS_DEADLINE,
            "reasons": sorted({r.reason or "" for r in results}),
        }

    def cleanup(self) -> None:
        with contextlib.suppress(ApiException):
            self.core.delete_namespace(self.namespace)
        self.cluster.close()
        self.api.close()
        self.host.close()


def render(results: dict[str, Any]) -> str:
    unchanged, rollout, failing = results["unchanged"], results["rollout"], results["failing"]
    ratio = rollout["dockyard_seconds"] / rollout["kubectl_seconds"]
    rows = [
        "| measure | `kubectl` by hand | dockyard | target |",
        "| --- | --- | --- | --- |",
        f"| unchanged cycle, {results['deployments']} Deployments on {results['tags']} tags: the "
        f"updater's pass, in the daemon (s, median) | - | {unchanged['cycle_seconds']} | < 0.5 |",
        f"| registry requests in that cycle | - | {unchanged['registry_heads']} HEAD | "
        f"one per tag ({results['tags']}) |",
        f"| new digest -> every replica on it (s, median) | {rollout['kubectl_seconds']} | "
        f"{rollout['dockyard_seconds']} ({ratio:.2f}x) | <= 1.2x |",
        f"| Deployments given an image that exits at once, rolled back | - | "
        f"{failing['rolled_back']} of {failing['tries']} | all |",
    ]
    return "\n".join(rows)


def write_docs(results: dict[str, Any]) -> None:
    text = BENCHMARKS_DOC.read_text()
    rollout, failing = results["rollout"], results["failing"]
    body = (
        f"{SECTION}\n\n"
        f"`{COMMAND}` on the one-node test cluster of `scripts/provision --kubernetes` "
        "(Kubernetes 1.20 from Debian 12's source package, containerd pulling from the registry "
        "on 127.0.0.1:5000); load average "
        f"{results['load_average_at_start']} at the start. One replica per Deployment, a 1 s "
        "termination grace period, the same shape for both sides, the two sides taking turns. "
        f"By hand: kubectl {results['kubectl_version']} (`{results['kubectl']}`, the cluster's "
        "own version, built from the same Debian source), "
        "`kubectl set image deployment/NAME app=repo:tag@digest` (the tag pinned by digest, as "
        "dockyard resolves it) then `kubectl rollout status`; dockyard's time includes its "
        "registry check, the patch and its wait by kubectl's rule (a read every 0.5 s), without "
        "the 10 s it then watches a finished rollout by default (kubectl has no such watch; the "
        "failing cycle has it).\n\n"
        f"{render(results)}\n\n"
        f"All runs (s): dockyard {', '.join(map(str, rollout['dockyard_runs']))} / kubectl "
        f"{', '.join(map(str, rollout['kubectl_runs']))}; unchanged cycles "
        f"{', '.join(map(str, results['unchanged']['runs']))}. The failing images: "
        f"`progressDeadlineSeconds: {failing['progress_deadline_seconds']}`, all in one cycle "
        f"({failing['cycle_seconds']} s, one Deployment after another), each rolled back to "
        "revision 1 on `ProgressDeadlineExceeded`. StatefulSets and DaemonSets are not "
        "benchmarked; their update and rollback are covered by "
        "tests/integration/kubernetes/test_watch_workloads.py. Raw figures: "
        "`bench/out/kubernetes.json`.\n"
    )
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[end:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    BENCHMARKS_DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deployments", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--failing", type=int, default=5)
    parser.add_argument("--kubectl", help="the kubectl to time (default: provision's, else PATH's)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    bench = Bench(
        kubeconfig=provision_kubernetes(),
        kubectl=find_kubectl(args.kubectl),
        deployments=args.deployments,
        rounds=args.rounds,
        failing=args.failing,
    )
    try:
        bench.setup()
        bench.unchanged()
        bench.remove("unchanged")
        bench.rollout()
        bench.failing()
    finally:
        bench.cleanup()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(bench.results, indent=2) + "\n")
    print(render(bench.results))
    if args.write_docs:
        write_docs(bench.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
