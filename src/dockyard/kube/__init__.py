"""Kubernetes: the only code that talks to an API server (the official ``kubernetes`` client).

:class:`Cluster` connects as kubectl does (kubeconfig, context, namespace, or the in-cluster
service account); the functions read Deployments, StatefulSets and DaemonSets as typed values
and patch, roll back and record events. Client exceptions become
:class:`dockyard.errors.ClusterError` here.
"""

from __future__ import annotations

from dockyard.kube._cluster import Cluster, translate
from dockyard.kube._deployments import (
    Condition,
    Container,
    Deployment,
    list_deployments,
    read_deployment,
    roll_back_deployment,
)
from dockyard.kube._kinds import UpdateStrategy, WorkloadKind
from dockyard.kube._workloads import (
    DaemonSet,
    Pod,
    StatefulSet,
    Workload,
    delete_pod,
    list_pods,
    list_workloads,
    pull_secret_config,
    read_workload,
    record_event,
    roll_back_workload,
    running_image_ids,
    set_images,
)

__all__ = [
    "Cluster",
    "Condition",
    "Container",
    "DaemonSet",
    "Deployment",
    "Pod",
    "StatefulSet",
    "UpdateStrategy",
    "Workload",
    "WorkloadKind",
    "delete_pod",
    "list_deployments",
    "list_pods",
    "list_workloads",
    "pull_secret_config",
    "read_deployment",
    "read_workload",
    "record_event",
    "roll_back_deployment",
    "roll_back_workload",
    "running_image_ids",
    "set_images",
    "translate",
]
