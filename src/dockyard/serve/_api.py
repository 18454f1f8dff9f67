"""The HTTP side of ``dockyard serve``: webhooks, the JSON API, health, metrics, OpenAPI.

Webhooks authenticate by the forge's signature (``/hooks/{app}``) or a deploy-scope token
(``/hooks/registry``); everything under ``/api/v1`` takes a bearer token, read < deploy < admin.
Every error body is ``{"error": "..."}``. A webhook is stored before it is answered: 202 queued,
200 duplicate / ignored / pong, 401 a wrong signature, 429 with ``Retry-After`` when the queue is
full. Secrets never reach a response or a log line: webhook secrets are read per request and only
compared; repository URLs are shown redacted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from dockyard.errors import DockyardError
from dockyard.secrets import redact
from dockyard.serve._actions import build_delivery, choose_rollback, rollback_delivery
from dockyard.serve._config import App, ServeConfig
from dockyard.serve._hooks import (
    HookError,
    Ping,
    Unsupported,
    decide_image,
    decide_push,
    parse_forge,
    parse_registry,
    verify,
)
from dockyard.serve._inbox import RETRY_AFTER_S, AcceptOutcome, Inbox
from dockyard.serve._openapi import openapi_document
from dockyard.serve._pipeline import Stage, deploy_reference
from dockyard.serve._store import (
    Build,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Deployment,
    DeploymentStatus,
    Scope,
    Store,
    stage_durations,
)
from dockyard.serve._tokens import authenticate

__all__ = ["INLINE_BODY_BYTES", "MAX_BODY_BYTES", "ServeState", "choose_rollback", "make_app"]

log = logging.getLogger("dockyard.serve.api")

MAX_BODY_BYTES = 10 * 1024 * 1024
# A webhook body up to this size is checked (HMAC, JSON) on the event loop: it takes some
# microseconds. A larger one (a push of thousands of commits) is checked in a thread.
INLINE_BODY_BYTES = 256 * 1024


@dataclass
class ServeState:
    """What the routes share."""

    config: ServeConfig
    store: Store
    inbox: Inbox
    environ: Mapping[str, str]
    poll_errors: Callable[[], Mapping[str, str]] = dict
    clock: Callable[[], float] = time.time
    sse_interval_s: float = 0.5
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)


class _Refused(Exception):
    """An answer other than success: status, message, optional headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=dict(headers or {}))


def _iso(stamp: float | None) -> str | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC).isoformat()


def _build_json(
    build: Build, stages: Sequence[tuple[Stage, float]] = (), *, now: float | None = None
) -> dict[str, Any]:
    duration = None
    if build.started_at is not None and build.finished_at is not None:
        duration = round(build.finished_at - build.started_at, 3)
    return {
        "id": build.id,
        "app": build.app,
        "commit": build.commit or None,
        "trigger": build.trigger,
        "delivery": build.delivery_id,
        "status": build.status.value,
        "reason": build.reason,
        "digest": build.digest,
        "size_bytes": build.size_bytes,
        "findings": build.findings,
        "created_at": _iso(build.created_at),
        "started_at": _iso(build.started_at),
        "finished_at": _iso(build.finished_at),
        "duration_s": duration,
        # seconds per stage (queued, building, gating, pushing, deploying, watching); the
        # running stage counts until now
        "timings": stage_durations(build.created_at, stages, now=now),
    }


def _deployment_json(deployment: Deployment) -> dict[str, Any]:
    return {
        "id": deployment.id,
        "app": deployment.app,
        "build": deployment.build_id,
        "commit": deployment.commit,
        "digest": deployment.digest,
        "targets": deployment.targets,
        "status": deployment.status.value,
        "reason": deployment.reason,
        "created_at": _iso(deployment.created_at),
    }


class _Metrics(Collector):
    """Counts from the inbox and the store, read at each scrape."""

    def __init__(self, state: ServeState) -> None:
        self.state = state

    def collect(self) -> Any:
        inbox = self.state.inbox
        deliveries = CounterMetricFamily(
            "dockyard_serve_deliveries", "Deliveries received, by outcome.", labels=["outcome"]
        )
        for outcome, count in sorted(inbox.counters.snapshot(inbox.counters.deliveries).items()):
            deliveries.add_metric([outcome], count)
        yield deliveries
        builds = CounterMetricFamily(
            "dockyard_serve_jobs",
            "Builds and rollbacks finished, by final stage.",
            labels=["stage"],
        )
        for stage, count in sorted(inbox.counters.snapshot(inbox.counters.builds).items()):
            builds.add_metric([stage], count)
        yield builds
        waiting = GaugeMetricFamily("dockyard_serve_queue_waiting", "Deliveries waiting.")
        waiting.add_metric([], self.state.store.count_deliveries(DeliveryStatus.QUEUED))
        yield waiting
        running = GaugeMetricFamily("dockyard_serve_jobs_running", "Jobs running now.")
        running.add_metric([], len(inbox.running_apps))
        yield running


def make_app(state: ServeState, *, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The ASGI application of one ``dockyard serve``; ``extra_routes`` (the dashboard's) are
    served after the API's own."""
    answer_time = Histogram(
        "dockyard_serve_webhook_answer_seconds",
        "Time to answer a webhook.",
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
        registry=state.registry,
    )
    state.registry.register(_Metrics(state))
    store, inbox, config = state.store, state.inbox, state.config

    def require(request: Request, scope: Scope, *, url_token: bool = False) -> None:
        token = authenticate(
            store,
            request.headers.get("authorization"),
            url_token=request.query_params.get("token") if url_token else None,
        )
        if token is None:
            raise _Refused(401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"})
        if token.scope < scope:
            raise _Refused(403, f"this needs a token of scope {scope.label} or higher")

    def app_or_404(name: str) -> App:
        app = config.apps.get(name)
        if app is None:
            raise _Refused(404, f"no app named {name}")
        return app

    def guarded(scope: Scope | None, body: Callable[[Request], Response]) -> Any:
        def endpoint(request: Request) -> Response:
            try:
                if scope is not None:
                    require(request, scope)
                return body(request)
            except _Refused as refused:
                return _error(refused.status, refused.message, refused.headers)

        return endpoint

    def queued_answer(delivery: Delivery) -> Response:
        outcome = inbox.accept(delivery).outcome
        if outcome is AcceptOutcome.FULL:
            return _error(
                429,
                f"the queue is full ({inbox.config.queue_limit} waiting): retry later",
                {"Retry-After": str(RETRY_AFTER_S)},
            )
        if outcome is AcceptOutcome.DUPLICATE:
            return JSONResponse({"status": "duplicate", "delivery": delivery.id})
        return JSONResponse({"status": "queued", "delivery": delivery.id}, status_code=202)

    # -- webhooks ----------------------------------------------------------------------------

    def forge_delivery(name: str, headers: Mapping[str, str], raw: bytes) -> Response | Delivery:
        """A forge's webhook checked (signature, event, branch and paths): the delivery to
        store, or the answer when there is none (pong, an event that is not a push)."""
        app = app_or_404(name)
        if app.webhook is None:
            raise _Refused(404, f"app {name} takes no webhooks (no webhook in its config)")
        try:
            secret = app.webhook.read_secret(state.environ)
        except DockyardError as exc:
            log.error("webhook of %s: %s", name, redact(str(exc)))
            raise _Refused(503, "the webhook secret is not available on this server") from None
        if not verify(app.webhook.provider, headers, raw, secret):
            log.warning("webhook of %s: signature does not match", name)
            raise _Refused(401, "the signature does not match")
        try:
            event = parse_forge(app.webhook.provider, headers, raw)
        except HookError as exc:
            raise _Refused(400, str(exc)) from None
        if isinstance(event, Ping):
            return JSONResponse({"status": "pong", "delivery": event.delivery_id})
        if isinstance(event, Unsupported):
            return JSONResponse(
                {"status": "ignored", "reason": f"event {event.event} is not a push"}
            )
        decision = decide_push(app, event)
        return Delivery(
            id=event.delivery_id,
            app=name,
            provider=app.webhook.provider.value,
            kind=DeliveryKind.BUILD,
            received_at=state.clock(),
            commit=event.commit,
            status=DeliveryStatus.QUEUED if decision.build else DeliveryStatus.IGNORED,
            reason=decision.reason,
        )

    def store_forge_delivery(delivery: Delivery) -> Response:
        if delivery.status is DeliveryStatus.QUEUED:
            return queued_answer(delivery)
        if not inbox.record(delivery):
            return JSONResponse({"status": "duplicate", "delivery": delivery.id})
        return JSONResponse(
            {"status": "ignored", "reason": delivery.reason, "delivery": delivery.id}
        )

    # One thread stores the webhooks' deliveries, one after another. A thread per request
    # (Starlette's pool) would have them queue for the inbox's lock, each waiting its turn for
    # the GIL among all the others: under a burst the last one waited 100 ms and more.
    hooks_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="serve-hooks")

    async def hook(request: Request) -> Response:
        started = time.perf_counter()
        try:
            raw = await _body(request)
            headers = dict(request.headers)
            name = request.path_params["app"]
            if len(raw) <= INLINE_BODY_BYTES:  # a push's payload: checked on the loop at once
                checked = forge_delivery(name, headers, raw)
            else:
                checked = await run_in_threadpool(forge_delivery, name, headers, raw)
            if isinstance(checked, Response):
                return checked
            if inbox.replayed(checked.id):  # most of a burst: answered from memory
                return JSONResponse({"status": "duplicate", "delivery": checked.id})
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(hooks_thread, store_forge_delivery, checked)
        except _Refused as refused:
            return _error(refused.status, refused.message, refused.headers)
        finally:
            answer_time.observe(time.perf_counter() - started)

    def registry_hook(raw: bytes) -> Response:
        try:
            events = parse_registry(raw)
        except HookError as exc:
            raise _Refused(400, str(exc)) from None
        tags = {
            name: deploy_reference(app)[1].rpartition(":")[2] for name, app in config.apps.items()
        }
        results: list[dict[str, Any]] = []
        queued = False
        for event in events:
            own = {b.digest for name in config.apps for b in store.builds(name) if b.digest}
            for app, reason in decide_image(
                event, list(config.apps.values()), deploy_tag=tags, own_digests=own
            ):
                delivery = Delivery(
                    id=f"{event.delivery_id}:{app.name}",
                    app=app.name,
                    provider="registry",
                    kind=DeliveryKind.IMAGE,
                    received_at=state.clock(),
                    commit=None,
                    digest=event.digest,
                    status=DeliveryStatus.QUEUED if reason is None else DeliveryStatus.IGNORED,
                    reason=reason,
                )
                if reason is not None:
                    stored = inbox.record(delivery)
                    status = "ignored" if stored else "duplicate"
                else:
                    outcome = inbox.accept(delivery).outcome
                    if outcome is AcceptOutcome.FULL:
                        raise _Refused(
                            429,
                            f"the queue is full ({inbox.config.queue_limit} waiting): retry later",
                            {"Retry-After": str(RETRY_AFTER_S)},
                        )
                    status = outcome.value
                    queued = queued or outcome is AcceptOutcome.QUEUED
                results.append(
                    {"app": app.name, "delivery": delivery.id, "status": status, "reason": reason}
                )
        return JSONResponse({"results": results}, status_code=202 if queued else 200)

    async def registry(request: Request) -> Response:
        try:
            # Docker Hub's webhook settings take a URL and nothing else: ?token= carries it there
            await run_in_threadpool(require, request, Scope.DEPLOY, url_token=True)
            raw = await _body(request)
            return await run_in_threadpool(registry_hook, raw)
        except _Refused as refused:
            return _error(refused.status, refused.message, refused.headers)

    # -- the JSON API ------------------------------------------------------------------------

    def apps(request: Request) -> Response:
        errors = state.poll_errors()
        running = set(inbox.running_apps)
        listed = []
        for name, app in config.apps.items():
            live = next(
                (d for d in store.deployments(name, limit=20) if d.status is DeploymentStatus.LIVE),
                None,
            )
            last = store.builds(name, limit=1)
            listed.append(
                {
                    "name": name,
                    "repo": redact(app.repo),
                    "branch": app.branch,
                    "image": app.image,
                    "webhook": None if app.webhook is None else app.webhook.provider.value,
                    "poll_s": None if app.poll is None else app.poll.total_seconds(),
                    "running": name in running,
                    "live": None
                    if live is None
                    else {"commit": live.commit, "digest": live.digest},
                    "last_build": None
                    if not last
                    else {"id": last[0].id, "status": last[0].status.value},
                    "poll_error": errors.get(name),
                }
            )
        return JSONResponse(listed)

    def limit_of(request: Request) -> int:
        text = request.query_params.get("limit", "50")
        if not text.isdigit() or not 1 <= int(text) <= 500:
            raise _Refused(400, "limit must be a whole number from 1 to 500")
        return int(text)

    def builds(request: Request) -> Response:
        name = app_or_404(request.path_params["app"]).name
        found = store.builds(name, limit=limit_of(request))
        stages = store.stage_times([b.id for b in found])
        now = time.time()
        return JSONResponse([_build_json(b, stages[b.id], now=now) for b in found])

    def build_or_404(request: Request) -> Build:
        text = request.path_params["id"]
        found = store.get_build(int(text)) if text.isdigit() and len(text) < 12 else None
        if found is None:
            raise _Refused(404, f"no build {text}")
        return found

    def build(request: Request) -> Response:
        found = build_or_404(request)
        stages = store.stage_times([found.id])[found.id]
        return JSONResponse(_build_json(found, stages, now=time.time()))

    def build_log(request: Request) -> Response:
        found = build_or_404(request)
        if found.final:
            lines = store.log_lines(found.id)
            text = "".join(line.line + "\n" for line in lines)
            return PlainTextResponse(text)
        return StreamingResponse(
            _follow(state, found.id),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache"},
        )

    def deployments(request: Request) -> Response:
        name = app_or_404(request.path_params["app"]).name
        return JSONResponse(
            [_deployment_json(d) for d in store.deployments(name, limit=limit_of(request))]
        )

    def deploy(request: Request) -> Response:
        app = app_or_404(request.path_params["app"])
        return queued_answer(build_delivery(app.name, now=state.clock()))

    def rollback(request: Request, payload: object) -> Response:
        app = app_or_404(request.path_params["app"])
        requested = None
        if payload is not None:
            if not isinstance(payload, dict) or set(payload) - {"deployment"}:
                raise _Refused(400, 'the body is {"deployment": ID} or empty')
            value = payload.get("deployment")
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise _Refused(400, "deployment must be a deployment id (an integer)")
            requested = value
        chosen = choose_rollback(store.deployments(app.name, limit=500), requested)
        if isinstance(chosen, str):
            raise _Refused(404 if requested is not None else 409, chosen)
        return queued_answer(rollback_delivery(app.name, chosen, now=state.clock()))

    async def rollback_endpoint(request: Request) -> Response:
        try:
            await run_in_threadpool(require, request, Scope.DEPLOY)
            raw = await _body(request)
            payload: object = None
            if raw.strip():
                try:
                    payload = json.loads(raw)
                except ValueError:
                    raise _Refused(400, "the body is not JSON") from None
            return await run_in_threadpool(rollback, request, payload)
        except _Refused as refused:
            return _error(refused.status, refused.message, refused.headers)

    def healthz(request: Request) -> Response:
        if not store.ping():
            return JSONResponse({"status": "unavailable", "database": False}, status_code=503)
        return JSONResponse({"status": "ok", "database": True})

    def metrics(request: Request) -> Response:
        return Response(
            generate_latest(state.registry), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    document = openapi_document()

    def openapi(request: Request) -> Response:
        return JSONResponse(document)

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _error(exc.status_code, str(exc.detail))

    routes: list[BaseRoute] = [
        Route("/hooks/registry", registry, methods=["POST"]),
        Route("/hooks/{app}", hook, methods=["POST"]),
        Route("/api/v1/apps", guarded(Scope.READ, apps), methods=["GET"]),
        Route("/api/v1/apps/{app}/builds", guarded(Scope.READ, builds), methods=["GET"]),
        Route("/api/v1/apps/{app}/deployments", guarded(Scope.READ, deployments), methods=["GET"]),
        Route("/api/v1/apps/{app}/deploy", guarded(Scope.DEPLOY, deploy), methods=["POST"]),
        Route("/api/v1/apps/{app}/rollback", rollback_endpoint, methods=["POST"]),
        Route("/api/v1/builds/{id}", guarded(Scope.READ, build), methods=["GET"]),
        Route("/api/v1/builds/{id}/log", guarded(Scope.READ, build_log), methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", guarded(Scope.READ, metrics), methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    return Starlette(routes=[*routes, *extra_routes], exception_handlers={HTTPException: not_found})


async def _body(request: Request) -> bytes:
    """The raw body, at most :data:`MAX_BODY_BYTES`."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _Refused(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _follow(state: ServeState, build_id: int) -> AsyncIterator[str]:
    """Server-sent events: each log line as it is written, then ``end`` with the final stage."""
    after = 0
    while True:
        lines = await run_in_threadpool(state.store.log_lines, build_id, after=after)
        for line in lines:
            after = line.id
            yield _event(line.id, line.line)
        current = await run_in_threadpool(state.store.get_build, build_id)
        if current is None or current.final:
            rest = await run_in_threadpool(state.store.log_lines, build_id, after=after)
            for line in rest:
                yield _event(line.id, line.line)
            status = "gone" if current is None else current.status.value
            yield f"event: end\ndata: {json.dumps({'status': status})}\n\n"
            return
        await asyncio.sleep(state.sse_interval_s)


def _event(event_id: int, line: str) -> str:
    data = "\n".join(f"data: {part}" for part in line.splitlines() or [""])
    return f"id: {event_id}\n{data}\n\n"
