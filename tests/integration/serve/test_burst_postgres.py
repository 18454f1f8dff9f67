"""The burst tests (tests/unit/serve/test_burst.py) again, on a real PostgreSQL server: the same
data layer under the same use."""

from __future__ import annotations

import pytest

from tests.integration.serve.conftest import Postgres
from tests.unit.serve.test_burst import *  # noqa: F403  (the same tests, on PostgreSQL)


@pytest.fixture
def store_url(postgres: Postgres) -> str:
    return postgres.url(postgres.create_database())
