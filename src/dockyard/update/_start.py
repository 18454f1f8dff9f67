"""Starting ``watch``: connect, take over from a predecessor, lock the state directory, replay
what a crash interrupted, then hand back a ready :class:`Watcher`.

The order matters. A successor of a self-update first removes the old dockyard container (which
ends the old process and frees the lock), then takes the lock, waiting a while for the old one
to go; only the lock holder replays journals, so two watchers never undo each other's work.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from dockyard.engine import Engine
from dockyard.errors import UsageError
from dockyard.update._cycle import Watcher, WatchSettings
from dockyard.update._handoff import TAKEOVER_SECONDS, take_over
from dockyard.update._plan import RecoveryAction
from dockyard.update._recover import recover

__all__ = ["lock_state_dir", "started_watcher"]

_LOCK_POLL = 0.2


@contextlib.contextmanager
def started_watcher(
    *,
    settings: WatchSettings,
    environ: Mapping[str, str],
    registry_timeout: float,
    say: Callable[[str], None],
) -> Iterator[Watcher]:
    """A watcher on the engine of ``DOCKER_HOST``, after take-over, locking and recovery."""
    from dockyard.update._source import RegistryDigestSource  # the registry client is heavy

    with contextlib.ExitStack() as stack:
        engine = stack.enter_context(Engine())
        engine.ping()
        taken = take_over(engine, state_dir=settings.state_dir, own_id=settings.own_id)
        for name in taken:
            say(f"{name}: took over from the old dockyard container")
        stack.enter_context(
            lock_state_dir(settings.state_dir, wait=TAKEOVER_SECONDS if taken else 0)
        )
        for item in recover(engine, state_dir=settings.state_dir, own_id=settings.own_id):
            if item.action is not RecoveryAction.TAKEN_OVER:
                say(f"recovered {item.name}: interrupted at {item.step}, {item.action}")
        source = RegistryDigestSource(environ=environ, timeout=registry_timeout)
        stack.callback(source.close)
        yield Watcher(engine=engine, source=source, settings=settings, auth_for=source.pull_auth)


@contextlib.contextmanager
def lock_state_dir(state_dir: Path, *, wait: float) -> Iterator[None]:
    """One watcher per state directory: two would replay each other's journals. After a
    take-over, wait a while: the old dockyard ends as its container is removed."""
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (state_dir / "lock").open("w") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise UsageError(
                        f"another dockyard watch uses {state_dir}; "
                        "stop it or pass another --state-dir"
                    ) from exc
            time.sleep(_LOCK_POLL)
        yield
