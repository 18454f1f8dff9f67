"""The connection to a Kubernetes API server, as kubectl finds it, and its errors translated.

A kubeconfig (``--kubeconfig``, else ``$KUBECONFIG``, else ``~/.kube/config``) with its context
and namespace, or, inside a pod without one, the in-cluster service account. Every call of the
official client goes through :func:`translate`: a 403 is :class:`ClusterForbidden` naming the
verb RBAC refused, anything else one :class:`ClusterError` line; no client exception leaves
this package.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dockyard.errors import ClusterError, ClusterForbidden

__all__ = ["Cluster", "translate"]

_IN_CLUSTER_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")


class Cluster:
    """One API server: the apps and core clients, and the namespace commands default to."""

    def __init__(
        self,
        *,
        kubeconfig: str | None = None,
        context: str | None = None,
        namespace: str | None = None,
    ) -> None:
        from kubernetes import client, config

        configuration = client.Configuration()
        in_cluster = (
            kubeconfig is None
            and "KUBECONFIG" not in os.environ
            and not Path("~/.kube/config").expanduser().is_file()
            and "KUBERNETES_SERVICE_HOST" in os.environ
        )
        try:
            if in_cluster:
                config.load_incluster_config(client_configuration=configuration)
                default_namespace = _IN_CLUSTER_NAMESPACE.read_text().strip() or "default"
            else:
                config.load_kube_config(
                    config_file=kubeconfig, context=context, client_configuration=configuration
                )
                default_namespace = _context_namespace(kubeconfig, context)
        except (config.ConfigException, OSError, ValueError) as exc:
            where = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
            raise ClusterError(f"cannot load the Kubernetes configuration {where}: {exc}") from exc
        self.host = str(configuration.host)
        self.namespace = namespace or default_namespace
        self.api = client.ApiClient(configuration)
        self.apps = client.AppsV1Api(self.api)
        self.core = client.CoreV1Api(self.api)

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _context_namespace(kubeconfig: str | None, context: str | None) -> str:
    from kubernetes import config

    contexts, active = config.list_kube_config_contexts(config_file=kubeconfig)
    chosen = next((c for c in contexts if c["name"] == context), active) if context else active
    namespace = ((chosen or {}).get("context") or {}).get("namespace")
    return str(namespace) if namespace else "default"


@contextlib.contextmanager
def translate(what: str, *, host: str = "") -> Iterator[None]:
    """Client failures of ``what`` (e.g. "patching deployment web/api") as dockyard errors."""
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    try:
        yield
    except ApiException as exc:
        reason = _reason(exc)
        if exc.status == 403:
            raise ClusterForbidden(f"{what}: forbidden by RBAC ({reason})") from exc
        raise ClusterError(f"{what}: the API server answered {exc.status} ({reason})") from exc
    except HTTPError as exc:
        raise ClusterError(f"{what}: no Kubernetes API server answers at {host} ({exc})") from exc


def _reason(exc: Any) -> str:
    import json

    try:
        body = json.loads(exc.body or "{}")
    except ValueError:
        body = {}
    message = body.get("message") if isinstance(body, dict) else None
    return str(message or exc.reason or "no reason given")
