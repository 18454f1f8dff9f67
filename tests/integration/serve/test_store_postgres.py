"""The store's tests (tests/unit/serve/test_store.py) again, on a real PostgreSQL server; and a
PostgreSQL that is down is one clear error with its exit code."""

from __future__ import annotations

import pytest

from dockyard.errors import StoreError
from dockyard.serve._store import Store
from tests.integration.serve.conftest import Postgres, free_port
from tests.unit.serve.test_store import *  # noqa: F403  (the same tests, on PostgreSQL)
from tests.unit.serve.test_store import store as store


@pytest.fixture
def store_url(postgres: Postgres) -> str:
    return postgres.url(postgres.create_database())


def test_the_store_runs_on_postgresql(store: Store) -> None:
    assert store.dialect == "postgresql"


def test_postgresql_down_at_start_is_one_clear_line() -> None:
    url = f"postgresql+psycopg://dockyard:pw-never-shown@127.0.0.1:{free_port()}/dockyard"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert message.startswith("the database at postgresql+psycopg://***@127.0.0.1:"), message
    assert "is not reachable" in message
    assert "\n" not in message
    assert "pw-never-shown" not in message
    assert caught.value.exit_code == 15
