"""The dashboard's starlette routes: pages, sign-in, the two actions, live updates over SSE.

Pages render on the server (Jinja2, autoescaped: commit messages, authors and branch names come
from a forge and are hostile). Every response carries a strict Content-Security-Policy; the only
script is ``static/dashboard.js``. Forms carry a CSRF token bound to the session; a POST
without it, or from a session whose token cannot deploy, is refused with 403.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import anyio
from jinja2 import Environment, PackageLoader
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dockyard.errors import DockyardError
from dockyard.serve._config import ServeConfig
from dockyard.serve._store import Build, LogLine, Store, stage_durations
from dockyard.serve._store import Scope as TokenScope
from dockyard.serve.dashboard._actions import (
    CommitInfo,
    CommitLookup,
    DashboardActions,
    HealthLookup,
)
from dockyard.serve.dashboard._chart import SizePoint, size_chart
from dockyard.serve.dashboard._session import Signer, load_key, new_nonce, token_sha256
from dockyard.serve.dashboard._tracker import Tracker
from dockyard.serve.dashboard._views import (
    GateState,
    app_row,
    build_rows,
    deployment_rows,
    layers_view,
    moment,
    short_digest,
    stage_timings,
    stage_tone,
    words,
)

__all__ = ["CSP", "SESSION_COOKIE", "dashboard_routes"]

SESSION_COOKIE = "dy_session"
SIGNIN_COOKIE = "dy_signin"
MAX_FORM_BYTES = 16 * 1024
LOG_LINES_SHOWN = 5000
PAGE_ROWS = 50  # builds and deployments listed on an app's page
CHART_BUILDS = 100  # builds drawn in the size chart
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Session:
    name: str
    scope: TokenScope
    cookie: str
    csrf: str

    @property
    def can_deploy(self) -> bool:
        return self.scope >= TokenScope.DEPLOY


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Headers:
    """Adds the security headers to a mounted app's responses (the static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                for name, value in SECURITY_HEADERS.items():
                    if name != "Cache-Control":
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self._app(scope, receive, send_with_headers)


class Dashboard:
    def __init__(
        self,
        *,
        store: Store,
        config: ServeConfig,
        actions: DashboardActions,
        secure_cookies: bool,
        commits: CommitLookup | None,
        clock: Callable[[], float],
        poll_interval: float,
        health: HealthLookup | None = None,
    ) -> None:
        self.store = store
        self.health = health
        self.config = config
        self.actions = actions
        self.secure = secure_cookies
        self.commits = commits
        self.clock = clock
        self.poll = poll_interval
        self.signer = Signer(load_key(config.state_dir))
        self.tracker = Tracker(store, list(config.apps), interval_s=poll_interval)
        self.env = Environment(
            loader=PackageLoader("dockyard.serve.dashboard", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            {"short_digest": short_digest, "words": words, "GateState": GateState}
        )

    # -- plumbing ----------------------------------------------------------------------------

    def render(self, name: str, status: int = 200, **values: Any) -> Response:
        html = self.env.get_template(name).render(**values)
        return self.secured(HTMLResponse(html, status_code=status))

    @staticmethod
    def secured(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response

    def session(self, request: Request) -> Session | None:
        cookie = request.cookies.get(SESSION_COOKIE)
        claim = self.signer.read_session(cookie, now=self.clock())
        if claim is None or cookie is None:
            return None
        record = self.store.token_by_hash(claim.token_sha256)
        if record is None:
            return None
        return Session(
            name=record.name, scope=record.scope, cookie=cookie, csrf=self.signer.csrf_for(cookie)
        )

    def commit_map(self, app: str, shas: set[str]) -> dict[str, CommitInfo]:
        if self.commits is None:
            return {}
        found = {}
        for sha in shas:
            if sha:
                info = self.commits.commit(app, sha)
                if info is not None:
                    found[sha] = info
        return found

    async def form(self, request: Request) -> Mapping[str, str]:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise _Refused(413, "The form is too large.")
        fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        return {key: values[0] for key, values in fields.items()}

    def page(self, endpoint: Callable[[Request, Session], Response]) -> Endpoint:
        """A page for any signed-in session; the sign-in page for anyone else."""

        async def run(request: Request) -> Response:
            session = await run_in_threadpool(self.session, request)
            if session is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return self.secured(
                    RedirectResponse(f"/ui/signin?next={quote(target)}", status_code=303)
                )
            try:
                return await run_in_threadpool(endpoint, request, session)
            except _Refused as refused:
                return self.error(refused.status, refused.message, session)

        return run

    def error(self, status: int, message: str, session: Session | None) -> Response:
        return self.render("error.html", status=status, message=message, session=session)

    # -- pages -------------------------------------------------------------------------------

    def overview(self, request: Request, session: Session) -> Response:
        now = self.clock()
        rows = []
        if self.health is not None:
            self.health.want()
        for name, app in self.config.apps.items():
            cached = self.tracker.rows(name)
            builds, deployments = cached.builds, cached.deployments
            shas = {b.commit for b in builds} | {d.commit or "" for d in deployments}
            rows.append(
                app_row(
                    name=name,
                    branch=app.branch,
                    image=app.image,
                    builds=builds,
                    deployments=deployments,
                    now=now,
                    commits=self.commit_map(name, shas),
                    deploys=bool(app.deploy) and self.health is not None,
                    health=self.health.latest(name) if self.health is not None else None,
                )
            )
        return self.render(
            "overview.html", session=session, apps=rows, live_key="", title="Overview"
        )

    def app_page(self, request: Request, session: Session) -> Response:
        name = request.path_params["app"]
        app = self.config.apps.get(name)
        if app is None:
            raise _Refused(404, f"There is no app named {name!r} in this server's configuration.")
        now = self.clock()
        history = self.store.builds(name, limit=CHART_BUILDS)
        builds = history[:PAGE_ROWS]
        deployments = self.store.deployments(name, limit=PAGE_ROWS)
        shas = {b.commit for b in builds} | {d.commit or "" for d in deployments}
        commits = self.commit_map(name, shas)
        notice = self.signer.read_text(request.query_params.get("notice"))
        return self.render(
            "app.html",
            session=session,
            app=app,
            builds=build_rows(builds, now=now, commits=commits),
            deployments=deployment_rows(deployments, now=now, commits=commits),
            chart=self.chart(name, history),
            notice=notice,
            live_key=name,
            title=name,
        )

    def chart(self, name: str, builds: list[Build] | None = None) -> object:
        app = self.config.apps[name]
        if builds is None:
            builds = self.store.builds(name, limit=CHART_BUILDS)
        points = [
            SizePoint(build_id=b.id, at=b.created_at, size_bytes=b.size_bytes, passed=True)
            for b in builds
            if b.size_bytes is not None
        ]
        limit = app.policy.max_size_mb
        return size_chart(
            points,
            limit_bytes=int(limit * 1_000_000) if limit else None,
            title=f"Image size of {name} over its last {len(points)} builds",
        )

    def chart_svg(self, request: Request, session: Session) -> Response:
        name = request.path_params["app"]
        if name not in self.config.apps:
            raise _Refused(404, f"There is no app named {name!r} in this server's configuration.")
        svg = str(self.chart(name))
        return self.secured(Response(svg, media_type="image/svg+xml"))

    def build_page(self, request: Request, session: Session) -> Response:
        build_id = int(request.path_params["build"])
        build = self.store.get_build(build_id)
        if build is None or build.app not in self.config.apps:
            raise _Refused(404, f"There is no build #{build_id}.")
        app = self.config.apps[build.app]
        now = self.clock()
        lines = self.store.log_lines(build_id)
        shown = lines[-LOG_LINES_SHOWN:]
        commits = self.commit_map(build.app, {build.commit})
        older = [b for b in self.store.builds(build.app, limit=50) if b.id <= build_id]
        row = build_rows(older or [build], now=now, commits=commits)[0]
        return self.render(
            "build.html",
            session=session,
            app=app,
            row=row,
            build=build,
            tone=stage_tone(build.status),
            lines=shown,
            skipped=len(lines) - len(shown),
            last_line=lines[-1].id if lines else 0,
            findings=[_explained(f) for f in build.findings],
            layers=layers_view(self.store.layers(build_id)),
            timings=stage_timings(
                stage_durations(
                    build.created_at,
                    self.store.stage_times([build_id])[build_id],
                    now=None if build.final else now,
                )
            ),
            started=moment(build.started_at, now=now) if build.started_at else None,
            finished=moment(build.finished_at, now=now) if build.finished_at else None,
            title=f"Build #{build_id}",
            live_key=None,
        )

    # -- sign-in -----------------------------------------------------------------------------

    async def signin_form(self, request: Request) -> Response:
        # the same value while the cookie lasts, so two open sign-in tabs both work
        kept = request.cookies.get(SIGNIN_COOKIE, "")
        nonce = (
            kept
            if 20 <= len(kept) <= 64 and kept.replace("-", "").replace("_", "").isalnum()
            else new_nonce()
        )
        response = self.render(
            "signin.html",
            session=None,
            csrf=nonce,
            next=_safe_next(request.query_params.get("next")),
            problem=None,
            title="Sign in",
        )
        self._set_cookie(response, SIGNIN_COOKIE, nonce, max_age=3600)
        return response

    async def signin(self, request: Request) -> Response:
        form = await self.form(request)
        cookie = request.cookies.get(SIGNIN_COOKIE)
        next_page = _safe_next(form.get("next"))
        if not cookie or not _same(cookie, form.get("csrf", "")):
            return self.error(403, "The form's CSRF token is missing or wrong.", None)
        token = form.get("token", "").strip()
        record = await run_in_threadpool(self.store.token_by_hash, token_sha256(token))
        if not token or record is None:
            nonce = new_nonce()
            response = self.render(
                "signin.html",
                status=401,
                session=None,
                csrf=nonce,
                next=next_page,
                problem="That token is not known to this server.",
                title="Sign in",
            )
            self._set_cookie(response, SIGNIN_COOKIE, nonce, max_age=3600)
            return response
        session = self.signer.session_cookie(token_sha256(token), now=self.clock())
        response = self.secured(RedirectResponse(next_page, status_code=303))
        self._set_cookie(response, SESSION_COOKIE, session, max_age=None)
        response.delete_cookie(SIGNIN_COOKIE, path="/")
        return response

    async def signout(self, request: Request) -> Response:
        session = await run_in_threadpool(self.session, request)
        form = await self.form(request)
        if session is None or not self.signer.check_csrf(session.cookie, form.get("csrf")):
            return self.error(403, "The form's CSRF token is missing or wrong.", session)
        response = self.secured(RedirectResponse("/ui/signin", status_code=303))
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def _set_cookie(
        self, response: Response, name: str, value: str, *, max_age: int | None
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="strict",
            secure=self.secure,
        )

    # -- actions -----------------------------------------------------------------------------

    async def action(self, request: Request) -> Response:
        name = request.path_params["app"]
        what = request.path_params["action"]
        session = await run_in_threadpool(self.session, request)
        form = await self.form(request)
        if session is None:
            return self.error(403, "Sign in first.", None)
        if not self.signer.check_csrf(session.cookie, form.get("csrf")):
            return self.error(403, "The form's CSRF token is missing or wrong.", session)
        if not session.can_deploy:
            return self.error(
                403,
                f"The token {session.name!r} can read, not deploy or roll back.",
                session,
            )
        if name not in self.config.apps:
            return self.error(404, f"There is no app named {name!r}.", session)
        try:
            if what == "deploy":
                message = await run_in_threadpool(self.actions.deploy_now, name)
            else:
                raw = form.get("deployment", "").strip()
                if raw and not raw.isdigit():
                    return self.error(400, "The deployment to restore is not a number.", session)
                target = int(raw) if raw else None
                message = await run_in_threadpool(self.actions.rollback, name, target)
        except DockyardError as exc:
            message = f"Refused: {exc.message}"
        notice = quote(self.signer.sign_text(message))
        return self.secured(
            RedirectResponse(f"/ui/apps/{quote(name)}?notice={notice}", status_code=303)
        )

    # -- live updates ------------------------------------------------------------------------

    async def events(self, request: Request) -> Response:
        """``changed`` whenever the overview (or ``?app=NAME``'s page) would look different."""
        session = await run_in_threadpool(self.session, request)
        if session is None:
            return self.secured(Response("sign in first", status_code=401))
        key = request.query_params.get("app", "")
        if key and key not in self.config.apps:
            return self.secured(Response("no such app", status_code=404))

        def version() -> tuple[int, int]:
            if key:
                return self.tracker.app_version(key), 0
            if self.health is None:
                return self.tracker.check(), 0
            self.health.want()  # the overview is open: keep its health fresh
            return self.tracker.check(), self.health.version()

        async def stream() -> AsyncIterator[str]:
            last = await anyio.to_thread.run_sync(version)
            yield "retry: 1000\n\n"
            idle = 0.0
            while True:
                await asyncio.sleep(self.poll)
                current = await anyio.to_thread.run_sync(version)
                if current != last:
                    last = current
                    idle = 0.0
                    yield "event: changed\ndata: {}\n\n"
                else:
                    idle += self.poll
                    if idle >= 15:
                        idle = 0.0
                        yield ": keep-alive\n\n"

        return self._sse(stream())

    async def log_stream(self, request: Request) -> Response:
        """A build's log lines after ``Last-Event-ID`` (or ``?after=``), then ``end``."""
        session = await run_in_threadpool(self.session, request)
        if session is None:
            return self.secured(Response("sign in first", status_code=401))
        build_id = int(request.path_params["build"])
        start = request.headers.get("last-event-id") or request.query_params.get("after") or "0"
        after = int(start) if start.isdigit() else 0

        async def stream() -> AsyncIterator[str]:
            nonlocal after
            yield "retry: 1000\n\n"
            while True:
                build = await anyio.to_thread.run_sync(self.store.get_build, build_id)
                lines = await anyio.to_thread.run_sync(self._lines_after, build_id, after)
                for line in lines:
                    after = line.id
                    text = line.line.replace("\r", "").replace("\n", " ")
                    yield f"id: {line.id}\ndata: {text}\n\n"
                if build is None or (build.final and not lines):
                    state = words(build.status.value) if build else "unknown"
                    yield f"event: end\ndata: {state}\n\n"
                    return
                await asyncio.sleep(self.poll)

        return self._sse(stream())

    def _lines_after(self, build_id: int, after: int) -> list[LogLine]:
        return self.store.log_lines(build_id, after=after)

    def _sse(self, stream: AsyncIterator[str]) -> Response:
        response = StreamingResponse(stream, media_type="text/event-stream")
        response.headers["X-Accel-Buffering"] = "no"
        return self.secured(response)

    # -- the routes --------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        static = StaticFiles(directory=Path(__file__).parent / "static")
        return [
            Route("/", self.page(self.overview), methods=["GET"]),
            Route("/ui/signin", self.signin_form, methods=["GET"]),
            Route("/ui/signin", self.signin, methods=["POST"]),
            Route("/ui/signout", self.signout, methods=["POST"]),
            Route("/ui/events", self.events, methods=["GET"]),
            Route("/ui/apps/{app}", self.page(self.app_page), methods=["GET"]),
            Route("/ui/apps/{app}/size.svg", self.page(self.chart_svg), methods=["GET"]),
            Route(
                "/ui/apps/{app}/{action:str}",
                self._action_route,
                methods=["POST"],
            ),
            Route("/ui/builds/{build:int}", self.page(self.build_page), methods=["GET"]),
            Route("/ui/builds/{build:int}/log", self.log_stream, methods=["GET"]),
            Mount("/ui/static", app=_Headers(static), name="dashboard-static"),
        ]

    async def _action_route(self, request: Request) -> Response:
        if request.path_params["action"] not in ("deploy", "rollback"):
            return self.error(404, "No such action.", None)
        try:
            return await self.action(request)
        except _Refused as refused:
            return self.error(refused.status, refused.message, None)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this server only."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


_RULES: dict[str, tuple[str, str | None]] | None = None


def _explained(finding: Mapping[str, object]) -> dict[str, object]:
    """A recorded lint finding with its rule's general explanation and documentation link."""
    global _RULES
    if _RULES is None:
        from dockyard.dockerfile.rules import all_rules

        _RULES = {rule.code: (rule.message, rule.url) for rule in all_rules()}
    explanation, url = _RULES.get(str(finding.get("code", "")), ("", None))
    return {**finding, "explanation": explanation, "url": url}


def dashboard_routes(
    *,
    store: Store,
    config: ServeConfig,
    actions: DashboardActions,
    secure_cookies: bool,
    commits: CommitLookup | None = None,
    clock: Callable[[], float] = time.time,
    poll_interval: float = 0.25,
    health: HealthLookup | None = None,
) -> list[BaseRoute]:
    """The dashboard's routes: pages under ``/`` and ``/ui/...`` and its static files under
    ``/ui/static``. ``secure_cookies`` marks the session cookie Secure (served over TLS).
    ``commits`` gives commit messages and authors (the sha alone is shown without it);
    ``health`` the live health of each app's targets (the overview shows it when given)."""
    return Dashboard(
        store=store,
        config=config,
        actions=actions,
        secure_cookies=secure_cookies,
        commits=commits,
        clock=clock,
        poll_interval=poll_interval,
        health=health,
    ).routes()
