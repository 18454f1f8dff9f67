from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dockyard.serve._store import Store
from dockyard.serve.dashboard import dashboard_routes
from tests.unit.serve.dashboard.seed import (
    DEPLOY_TOKEN,
    READ_TOKEN,
    MemoryCommits,
    RecordingActions,
    Seeded,
    make_config,
    seed,
)


@dataclass
class Dash:
    client: TestClient
    store: Store
    actions: RecordingActions
    seeded: Seeded
    state_dir: Path

    def sign_in(self, token: str) -> None:
        form = self.client.get("/ui/signin")
        csrf = _csrf(form.text)
        answer = self.client.post(
            "/ui/signin", data={"token": token, "csrf": csrf, "next": "/"}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text

    def csrf(self, path: str) -> str:
        return _csrf(self.client.get(path).text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


@pytest.fixture
def dash(tmp_path: Path) -> Iterator[Dash]:
    state = tmp_path / "state"
    store = Store.open(f"sqlite:///{state / 'serve.db'}")
    commits = MemoryCommits()
    seeded = seed(store, commits)
    actions = RecordingActions(store)
    routes = dashboard_routes(
        store=store,
        config=make_config(state),
        actions=actions,
        secure_cookies=False,
        commits=commits,
        poll_interval=0.05,
    )
    with TestClient(Starlette(routes=routes), base_url="http://127.0.0.1") as client:
        yield Dash(client=client, store=store, actions=actions, seeded=seeded, state_dir=state)
    store.close()


@pytest.fixture
def reader(dash: Dash) -> Dash:
    dash.sign_in(READ_TOKEN)
    return dash


@pytest.fixture
def deployer(dash: Dash) -> Dash:
    dash.sign_in(DEPLOY_TOKEN)
    return dash
