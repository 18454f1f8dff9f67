"""An API under test: a ServeState over a real SQLite store in tmp_path, a configuration with a
GitHub app (``web``), a GitLab app (``api``) and one without webhooks (``quiet``), an inbox whose
scheduler is not started (deliveries stay queued, so what was stored can be read back), and a
token per scope."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dockyard.serve import ServeConfig
from dockyard.serve._api import ServeState, make_app
from dockyard.serve._inbox import Inbox
from dockyard.serve._store import Scope, Store
from dockyard.serve._tokens import create_token

WEB_SECRET = "web-hook-secret-value"
API_TOKEN = "gitlab-token-value"


@dataclass
class Api:
    client: TestClient
    state: ServeState
    tokens: dict[Scope, str]

    def auth(self, scope: Scope) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[scope]}"}


def serve_config(tmp_path: Path, **extra: object) -> ServeConfig:
    apps = {
        "web": {
            "repo": "https://user:repo-pass@git.example/you/web.git",
            "image": "127.0.0.1:5000/you/web",
            "webhook": {"provider": "github", "secret_env": "WEB_SECRET"},
        },
        "api": {
            "repo": "https://git.example/you/api.git",
            "image": "127.0.0.1:5000/you/api",
            "webhook": {"provider": "gitlab", "secret_env": "API_TOKEN"},
            "poll": "5m",
        },
        "quiet": {"repo": "https://git.example/you/quiet.git", "image": "127.0.0.1:5000/q"},
    }
    return ServeConfig.model_validate({"state_dir": str(tmp_path), "apps": apps} | extra)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """The database the serve tests use: SQLite here; the PostgreSQL runs of the same tests
    (tests/integration/serve/test_*_postgres.py) give a database of their own."""
    return f"sqlite:///{tmp_path / 'serve.db'}"


@pytest.fixture
def api(tmp_path: Path, store_url: str) -> Iterator[Api]:
    with running_api(tmp_path, serve_config(tmp_path), store_url=store_url) as api:
        yield api


@contextlib.contextmanager
def running_api(tmp_path: Path, config: ServeConfig, *, store_url: str) -> Iterator[Api]:
    store = Store.open(store_url)
    inbox = Inbox(store, config, runner=None)  # type: ignore[arg-type]  # never started
    state = ServeState(
        config=config,
        store=store,
        inbox=inbox,
        environ={"WEB_SECRET": WEB_SECRET, "API_TOKEN": API_TOKEN},
        sse_interval_s=0.01,
    )
    tokens = {
        scope: create_token(store, name=scope.label, scope=scope, clock=lambda: 1.0)
        for scope in Scope
    }
    with TestClient(make_app(state)) as client:
        yield Api(client=client, state=state, tokens=tokens)
    store.close()
