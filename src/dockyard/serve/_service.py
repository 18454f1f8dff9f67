"""Start-up and shutdown of ``dockyard serve``: the composition root.

In order: load the config (a :class:`ConfigError` per wrong key), open the store and migrate it
(a :class:`StoreError` when PostgreSQL is down), take the state directory's lock (one server per
state directory), finish container swaps a crash interrupted, put back what the inbox was doing
(:meth:`Inbox.recover`), start the workers and the poller, serve HTTP on ``listen``. SIGTERM or
SIGINT stops the HTTP server, then lets the running jobs finish (a second signal, or SIGKILL,
cuts that short: the next start recovers them).
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO

from dockyard.errors import ConfigError, DockyardError, UsageError
from dockyard.registry import CredentialStore
from dockyard.secrets import redact
from dockyard.serve._actions import ServeActions, StoreCommits
from dockyard.serve._api import ServeState, make_app
from dockyard.serve._config import ServeConfig, load_config
from dockyard.serve._health import HealthMonitor
from dockyard.serve._inbox import Inbox
from dockyard.serve._poll import Poller
from dockyard.serve._runner import LazyDeployer, ProcessRunner, pipeline_context
from dockyard.serve._store import Scope, Store
from dockyard.serve._tokens import create_token

__all__ = [
    "AppriseNotifier",
    "open_store",
    "run_service",
    "state_lock",
    "token_create",
]

log = logging.getLogger("dockyard.serve")


class AppriseNotifier:
    """``notify``: one message per finished build or rollback, to every apprise URL."""

    def __init__(self, urls: Sequence[str]) -> None:
        import apprise  # large: imported only when notify is set

        self._apprise = apprise.Apprise()
        for url in urls:
            if not self._apprise.add(url):
                raise ConfigError(f"notify: {redact(url)} is not a URL apprise understands")

    def __call__(self, title: str, body: str) -> None:
        if not self._apprise.notify(title=title, body=body):
            log.warning("a notification could not be delivered")


def open_store(config: ServeConfig) -> Store:
    return Store.open(config.database_url())


@contextmanager
def state_lock(state_dir: Path) -> Iterator[None]:
    """Hold ``state_dir/serve.lock`` for the life of the server: one server per directory."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        handle: IO[str] = (state_dir / "serve.lock").open("a+")
    except OSError as exc:
        raise ConfigError(f"state_dir {state_dir}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"state_dir {state_dir}: another dockyard serve uses it (serve.lock is held)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def token_create(config_path: Path, *, name: str, scope: Scope) -> str:
    """``dockyard serve token create``: a new token for the server of ``config_path``."""
    config = load_config(config_path)
    store = open_store(config)
    try:
        return create_token(store, name=name, scope=scope, clock=time.time)
    finally:
        store.close()


def _recover_deploys(deployer: LazyDeployer, config: ServeConfig) -> None:
    if not any(app.deploy for app in config.apps.values()):
        return
    from dockyard.deploy import has_interrupted_swaps

    if not has_interrupted_swaps(config.state_dir / "deploy"):
        return  # nothing to replay: the engine client loads with the first build
    try:
        for line in deployer.real().recover():
            log.warning("deploy recovery: %s", line)
    except DockyardError as exc:
        log.warning("deploy recovery skipped: %s", exc)


def run_service(
    config_path: Path,
    *,
    environ: Mapping[str, str],
    log_level: str = "info",
) -> int:
    """Run ``dockyard serve`` until SIGTERM/SIGINT; the exit code."""
    config = load_config(config_path)
    store = open_store(config)
    try:
        with state_lock(config.state_dir):
            sock = _bind(config)
            with sock:
                return _serve(config, store, sock, environ=environ, log_level=log_level)
    finally:
        store.close()


def _bind(config: ServeConfig) -> socket.socket:
    """The listening socket, bound before anything starts: a taken port is one clear line."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it, a keep-alive client waits ~40 ms per answer
    # (Nagle against delayed ACKs), which asyncio sets only on sockets it binds itself.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"listen {config.listen}: {exc.strerror}") from None
    sock.listen(512)
    return sock


def _serve(
    config: ServeConfig,
    store: Store,
    sock: socket.socket,
    *,
    environ: Mapping[str, str],
    log_level: str,
) -> int:
    import uvicorn

    # One login lookup for the push, the digest checks and the engine's pulls: the docker
    # config (DOCKER_CONFIG) and REPO_USER/REPO_PASS, as ``dockyard build`` and ``watch``.
    credentials = CredentialStore.from_environment(environ=environ)
    deployer = LazyDeployer(config.state_dir / "deploy", credentials=credentials)
    # Each run in a child process of its own: the server stays small and answers hooks while
    # a build runs (see _runner).
    runner = ProcessRunner(
        pipeline_context(config.state_dir, deployer=deployer),
        database_url=config.database_url(),
        state_dir=config.state_dir,
        environ=environ,
    )
    notify = AppriseNotifier(config.notify) if config.notify else None
    inbox = Inbox(store, config, runner, notify=notify)
    _recover_deploys(deployer, config)
    for plan in inbox.recover():
        log.warning("recovered delivery %s: %s", plan.delivery.id, plan.action.value)
    poller = Poller(list(config.apps.values()), inbox)
    state = ServeState(
        config=config,
        store=store,
        inbox=inbox,
        environ=environ,
        poll_errors=lambda: dict(poller.errors),
    )
    from dockyard.serve.dashboard import dashboard_routes

    # Samples the targets only while the dashboard's overview is open.
    health = HealthMonitor(config.apps, deployer)
    pages = dashboard_routes(
        store=store,
        config=config,
        actions=ServeActions(store=store, inbox=inbox),
        secure_cookies=config.secure_cookies,
        commits=StoreCommits(store),
        health=health,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            make_app(state, extra_routes=pages),
            host=config.host,
            port=config.port,
            log_level=log_level,
            access_log=False,
            lifespan="off",
        )
    )
    inbox.start()
    poller.start()
    health.start()
    log.info("dockyard serve: listening on %s, %d apps", config.listen, len(config.apps))
    draining = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # uvicorn handles the first signal (it stops serving), then hands it back here: the
        # jobs then drain; a second signal during the drain stops at once.
        if draining.is_set():
            raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    # What start-up made lives as long as the server: out of the collector's sight, a full
    # collection in the middle of a burst of webhooks takes a few ms instead of tens.
    gc.collect()
    gc.freeze()
    try:
        server.run(sockets=[sock])
    finally:
        draining.set()
        poller.stop()
        health.stop()
        log.info("dockyard serve: stopping; waiting for running jobs")
        inbox.stop()
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)
    return 0 if server.started else 1
