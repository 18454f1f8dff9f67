"""RBAC on the real test cluster: a ServiceAccount may do what its Role grants, nothing more.

The ServiceAccount's token is the one Kubernetes 1.20's token controller puts in a Secret
(the controller manager signs it with the key the API server verifies with).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException

from tests.integration.kubernetes.conftest import (
    PROVISION_TIMEOUT,
    deployment,
    service_account_token,
)

# the session's first test may build and start the cluster (scripts/provision --kubernetes)
pytestmark = pytest.mark.timeout(PROVISION_TIMEOUT + 300)


@pytest.fixture
def watcher(
    api_client: k8s.ApiClient, core: k8s.CoreV1Api, namespace: str
) -> Iterator[k8s.AppsV1Api]:
    """An apps/v1 client of a ServiceAccount whose Role reads Deployments but may not patch."""
    rbac = k8s.RbacAuthorizationV1Api(api_client)
    core.create_namespaced_service_account(
        namespace, k8s.V1ServiceAccount(metadata=k8s.V1ObjectMeta(name="watcher"))
    )
    rbac.create_namespaced_role(
        namespace,
        k8s.V1Role(
            metadata=k8s.V1ObjectMeta(name="read-deployments"),
            rules=[
                k8s.V1PolicyRule(
                    api_groups=["apps"], resources=["deployments"], verbs=["get", "list", "watch"]
                )
            ],
        ),
    )
    rbac.create_namespaced_role_binding(
        namespace,
        k8s.V1RoleBinding(
            metadata=k8s.V1ObjectMeta(name="watcher-reads-deployments"),
            role_ref=k8s.V1RoleRef(
                api_group="rbac.authorization.k8s.io", kind="Role", name="read-deployments"
            ),
            subjects=[
                k8s.RbacV1Subject(kind="ServiceAccount", name="watcher", namespace=namespace)
            ],
        ),
    )
    admin = api_client.configuration
    configuration = k8s.Configuration(host=admin.host)
    configuration.ssl_ca_cert = admin.ssl_ca_cert
    configuration.api_key = {
        "authorization": f"Bearer {service_account_token(core, namespace, 'watcher')}"
    }
    with k8s.ApiClient(configuration) as api:
        yield k8s.AppsV1Api(api)


def test_a_service_account_without_patch_on_deployments_gets_403_when_it_patches(
    apps: k8s.AppsV1Api, namespace: str, watcher: k8s.AppsV1Api
) -> None:
    apps.create_namespaced_deployment(namespace, deployment("web", "unused:1", replicas=0))

    seen = watcher.read_namespaced_deployment("web", namespace)  # what its Role grants
    with pytest.raises(ApiException) as refused:
        watcher.patch_namespaced_deployment(
            "web", namespace, {"spec": {"template": {"metadata": {"labels": {"patched": "yes"}}}}}
        )

    assert seen.metadata.name == "web"
    assert refused.value.status == 403
    assert "Forbidden" in str(refused.value.reason)
    assert f"system:serviceaccount:{namespace}:watcher" in str(refused.value.body)
    after = apps.read_namespaced_deployment("web", namespace)
    assert after.metadata.generation == seen.metadata.generation
