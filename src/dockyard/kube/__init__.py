"""Kubernetes: the only code that talks to an API server (the official ``kubernetes`` client).

:class:`Cluster` connects as kubectl does (kubeconfig, context, namespace, or the in-cluster
service account); the functions read Deployments as typed values and patch, roll back and
record events. Client exceptions become :class:`dockyard.errors.ClusterError` here.
"""

from __future__ import annotations

from dockyard.kube._cluster import Cluster, translate
from dockyard.kube._deployments import (
    Condition,
    Container,
    Deployment,
    list_deployments,
    pull_secret_config,
    read_deployment,
    record_event,
    roll_back_deployment,
    running_image_ids,
    set_images,
)

__all__ = [
    "Cluster",
    "Condition",
    "Container",
    "Deployment",
    "list_deployments",
    "pull_secret_config",
    "read_deployment",
    "record_event",
    "roll_back_deployment",
    "running_image_ids",
    "set_images",
    "translate",
]
