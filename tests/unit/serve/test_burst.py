"""A burst of 200 webhooks (20 commits, forge retries under new ids, replays of old ids) sent
concurrently to the API with a running inbox and an in-memory pipeline: no delivery lost, none
processed twice, no commit built twice, and the last commit is what ends up live."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.testclient import TestClient

from dockyard.serve._api import ServeState, make_app
from dockyard.serve._inbox import Inbox
from dockyard.serve._store import DeliveryStatus, DeploymentStatus, Store
from tests.unit.serve.conftest import WEB_SECRET, serve_config
from tests.unit.serve.payloads import body, github_push, github_signature
from tests.unit.serve.test_inbox import FakeRunner


def test_a_burst_loses_nothing_and_builds_each_commit_at_most_once(
    tmp_path: Path, store_url: str
) -> None:
    config = serve_config(tmp_path)
    store = Store.open(store_url)
    runner = FakeRunner({"web": "0" * 40})
    lock = threading.Lock()
    inbox = Inbox(store, config, runner)  # type: ignore[arg-type]
    state = ServeState(config=config, store=store, inbox=inbox, environ={"WEB_SECRET": WEB_SECRET})
    commits = [f"{n:02d}".ljust(40, "a") for n in range(20)]
    statuses: list[int] = []

    def send(delivery: str, commit: str) -> None:
        data = github_push()
        data["after"] = commit
        raw = body(data)
        response = client.post(
            "/hooks/web",
            content=raw,
            headers={
                "X-GitHub-Event": "push",
                "X-GitHub-Delivery": delivery,
                "X-Hub-Signature-256": github_signature(WEB_SECRET, raw),
            },
        )
        with lock:
            statuses.append(response.status_code)

    inbox.start()
    with TestClient(make_app(state)) as client, ThreadPoolExecutor(8) as pool:
        for number, commit in enumerate(commits):
            runner.heads["web"] = commit  # the branch moved: ls-remote answers this now
            # 5 deliveries per commit under new ids (forges retry so) and 5 replays of old ids.
            ids = [f"c{number}-{k}" for k in range(5)]
            replays = [f"c{max(0, number - 1)}-{k}" for k in range(5)]
            list(pool.map(lambda d, c=commit: send(d, c), ids + replays))
        assert inbox.wait_idle(30)
    inbox.stop()

    assert len(statuses) == 200
    assert statuses.count(202) == 100
    assert statuses.count(200) == 100  # the replays: duplicates
    deliveries = store.deliveries()
    assert len(deliveries) == 100
    assert {d.status for d in deliveries} <= {DeliveryStatus.DONE, DeliveryStatus.SUPERSEDED}
    built = [commit for _, commit, _ in runner.runs]
    assert len(built) == len(set(built))
    assert built[-1] == commits[-1]
    live = [d for d in store.deployments("web", limit=500) if d.status is DeploymentStatus.LIVE]
    assert [d.commit for d in live] == [commits[-1]]
    store.close()
