"""The inbox tests (tests/unit/serve/test_inbox.py) again, on a real PostgreSQL server: the same
data layer under the same use."""

from __future__ import annotations

import pytest

from tests.integration.serve.conftest import Postgres
from tests.unit.serve.test_inbox import *  # noqa: F403  (the same tests, on PostgreSQL)
from tests.unit.serve.test_inbox import store as store


@pytest.fixture
def store_url(postgres: Postgres) -> str:
    return postgres.url(postgres.create_database())
