"""The dashboard's buttons take the API's path: a delivery stored in the inbox."""

from __future__ import annotations

import pytest

from dockyard.errors import UsageError
from dockyard.serve._actions import ServeActions
from dockyard.serve._store import DeliveryKind, DeliveryStatus, DeploymentStatus
from tests.unit.serve.conftest import Api


def test_deploy_now_queues_a_build_of_the_branch_head(api: Api) -> None:
    actions = ServeActions(store=api.state.store, inbox=api.state.inbox)
    assert actions.deploy_now("web") == "a build of web's branch head is queued"
    (queued,) = api.state.store.deliveries(statuses=[DeliveryStatus.QUEUED], app="web")
    assert (queued.kind, queued.commit, queued.provider) == (DeliveryKind.BUILD, None, "api")


def test_rollback_queues_the_earlier_digest_or_says_why_not(api: Api) -> None:
    store = api.state.store
    actions = ServeActions(store=store, inbox=api.state.inbox)
    with pytest.raises(UsageError, match="no earlier successful deployment"):
        actions.rollback("web", None)
    digests = ["sha256:" + c * 64 for c in "ab"]
    for n, (digest, status) in enumerate(
        zip(digests, [DeploymentStatus.SUPERSEDED, DeploymentStatus.LIVE], strict=True)
    ):
        store.add_deployment(
            app="web", build_id=None, commit=str(n) * 40, digest=digest, targets=[],
            status=status, reason=None, now=100.0 + n,
        )  # fmt: skip
    message = actions.rollback("web", None)
    assert message.startswith("rolling back to deployment")
    (queued,) = store.deliveries(statuses=[DeliveryStatus.QUEUED], app="web")
    assert (queued.kind, queued.digest) == (DeliveryKind.ROLLBACK, digests[0])
