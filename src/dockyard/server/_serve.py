"""Run an ASGI app with uvicorn in a thread, so the watch loop keeps the main thread."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp

from dockyard.errors import UsageError

__all__ = ["ServerThread"]


class ServerThread:
    """``with ServerThread(app=..., host=..., port=...):`` serves until the block ends."""

    def __init__(self, *, app: ASGIApp, host: str, port: int) -> None:
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", access_log=False, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="http-api", daemon=True)
        self.address = f"http://{host}:{port}"

    def __enter__(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise UsageError(f"the HTTP API could not listen on {self.address}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
