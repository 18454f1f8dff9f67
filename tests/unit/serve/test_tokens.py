"""Tokens: shown once, stored as a SHA-256, found again by the header that carries them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dockyard.errors import UsageError
from dockyard.serve._store import Scope, Store
from dockyard.serve._tokens import authenticate, bearer, create_token, token_hash


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'serve.db'}")
    yield opened
    opened.close()


def test_a_token_is_found_by_its_bearer_header_and_only_its_hash_is_stored(
    store: Store, tmp_path: Path
) -> None:
    token = create_token(store, name="ci", scope=Scope.DEPLOY, clock=lambda: 1.0)
    assert token.startswith("dy_")
    assert len(token) > 40
    found = authenticate(store, f"Bearer {token}")
    assert found is not None
    assert (found.name, found.scope) == ("ci", Scope.DEPLOY)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'serve.db'}")
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM tokens"))]
    engine.dispose()
    assert token not in repr(rows)
    assert token_hash(token) in repr(rows)


def test_wrong_or_missing_tokens_authenticate_nobody(store: Store) -> None:
    token = create_token(store, name="ci", scope=Scope.READ, clock=lambda: 1.0)
    assert authenticate(store, None) is None
    assert authenticate(store, "Bearer") is None
    assert authenticate(store, f"Basic {token}") is None
    assert authenticate(store, f"Bearer {token}x") is None
    assert authenticate(store, "Bearer dy_guess") is None


def test_names_are_unique_and_checked(store: Store) -> None:
    create_token(store, name="ci", scope=Scope.READ, clock=lambda: 1.0)
    with pytest.raises(UsageError, match="a token named ci exists"):
        create_token(store, name="ci", scope=Scope.ADMIN, clock=lambda: 1.0)
    with pytest.raises(UsageError, match="token name"):
        create_token(store, name="bad name", scope=Scope.READ, clock=lambda: 1.0)


def test_bearer() -> None:
    assert bearer("Bearer abc") == "abc"
    assert bearer("bearer  abc ") == "abc"
    assert bearer("Token abc") is None
