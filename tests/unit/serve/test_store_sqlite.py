"""SQLite only: the server and its build processes share one file (see _runner). A read takes
no lock, a write waits for another process's write instead of failing."""

from __future__ import annotations

import sqlite3
import threading

from dockyard.serve._store import Delivery, DeliveryStatus, Store
from tests.unit.serve.test_store import _delivery
from tests.unit.serve.test_store import store as store  # the SQLite store of those tests
from tests.unit.serve.test_store import store_url as store_url


def test_a_read_does_not_wait_for_another_process_s_writer_and_a_write_waits_its_turn(
    store: Store, store_url: str
) -> None:
    assert store.add_delivery(_delivery("d1"))
    # Another process (a build's) in the middle of a write transaction.
    other = sqlite3.connect(store_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE deliveries SET reason = 'not yet committed' WHERE id = 'd1'")
    seen: list[Delivery | None] = []
    reader = threading.Thread(target=lambda: seen.append(store.get_delivery("d1")))
    writer = threading.Thread(
        target=lambda: store.set_delivery("d1", DeliveryStatus.DONE, reason="written after")
    )
    try:
        reader.start()
        reader.join(10)
        assert not reader.is_alive()
        assert seen[0] is not None
        assert seen[0].reason is None  # the last committed state
        writer.start()
        writer.join(0.5)
        assert writer.is_alive()  # waits for the other writer's lock, not "database is locked"
    finally:
        other.execute("COMMIT")
        other.close()
    writer.join(10)
    done = store.get_delivery("d1")
    assert done is not None
    assert (done.status, done.reason) == (DeliveryStatus.DONE, "written after")
