"""The HTTP API of ``watch``: trigger a cycle, read metrics; every request needs the token.

Watchtower-compatible paths: ``/v1/update`` (GET or POST, optional ``?image=a,b`` to update only
containers of those images) and ``/v1/metrics`` (Prometheus text). The bearer token is compared
in constant time; an empty token is refused when the app is built. Bodies are not used, so
anything over a small limit is rejected before it is read.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Sequence

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dockyard.errors import UsageError
from dockyard.secrets import Secret
from dockyard.server._metrics import WatchMetrics
from dockyard.update import CycleReport

__all__ = ["MAX_BODY_BYTES", "create_watch_app"]

MAX_BODY_BYTES = 64 * 1024
Trigger = Callable[[Sequence[str]], CycleReport | None]
Endpoint = Callable[[Request], Awaitable[Response]]


def create_watch_app(
    *, token: Secret, trigger: Trigger | None, metrics: WatchMetrics | None
) -> Starlette:
    """An ASGI app; ``trigger`` runs one cycle (None while another runs), None disables it."""
    if not token or not token.reveal().strip():
        raise UsageError("the HTTP API needs a non-empty token (--http-api-token)")
    expected = token.reveal().encode()
    routes = []
    if trigger is not None:
        routes.append(
            Route(
                "/v1/update", _guard(expected, _update_endpoint(trigger)), methods=["GET", "POST"]
            )
        )
    if metrics is not None:
        routes.append(Route("/v1/metrics", _guard(expected, _metrics_endpoint(metrics))))
    return Starlette(routes=routes)


def _guard(expected: bytes, endpoint: Endpoint) -> Endpoint:
    async def guarded(request: Request) -> Response:
        if not _authorised(request, expected):
            return JSONResponse(
                {"error": "missing or wrong bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="dockyard"'},
            )
        if _body_too_large(request):
            return JSONResponse({"error": "request body too large"}, status_code=413)
        return await endpoint(request)

    return guarded


def _authorised(request: Request, expected: bytes) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected)


def _body_too_large(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is None:
        return request.headers.get("transfer-encoding", "").lower() == "chunked"
    try:
        return int(length) > MAX_BODY_BYTES
    except ValueError:
        return True


def _update_endpoint(trigger: Trigger) -> Endpoint:
    async def update(request: Request) -> Response:
        images = [
            i.strip()
            for value in request.query_params.getlist("image")
            for i in value.split(",")
            if i.strip()
        ]
        report = await run_in_threadpool(trigger, images)
        if report is None:
            return JSONResponse({"error": "another update cycle is running"}, status_code=429)
        return Response(report.to_json(), media_type="application/json")

    return update


def _metrics_endpoint(metrics: WatchMetrics) -> Endpoint:
    async def render(_request: Request) -> Response:
        return Response(metrics.render(), media_type=metrics.content_type)

    return render
