"""The api tests (tests/unit/serve/test_api.py) again, on a real PostgreSQL server: the same
data layer under the same use."""

from __future__ import annotations

import psycopg
import pytest

from tests.integration.serve.conftest import Postgres
from tests.unit.serve.conftest import Api
from tests.unit.serve.conftest import api as api
from tests.unit.serve.test_api import *  # noqa: F403  (the same tests, on PostgreSQL)


@pytest.fixture
def store_url(postgres: Postgres) -> str:
    return postgres.url(postgres.create_database())


def test_healthz_is_503_while_postgresql_refuses_and_200_once_it_is_back(
    api: Api, postgres: Postgres, store_url: str
) -> None:
    database = store_url.rsplit("/", 1)[1]
    admin = f"host=127.0.0.1 port={postgres.port} user={postgres.user} dbname=postgres"
    assert api.client.get("/healthz").json() == {"status": "ok", "database": True}
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (database,),
        )
    try:
        answer = api.client.get("/healthz")
        assert (answer.status_code, answer.json()) == (
            503,
            {"status": "unavailable", "database": False},
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    assert api.client.get("/healthz").json() == {"status": "ok", "database": True}
