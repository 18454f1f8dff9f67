"""The dashboard's pages, sign-in, CSRF and actions, through a Starlette app of the dashboard's
routes over a real SQLite store filled with realistic data."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from dockyard.deploy import Target
from dockyard.serve._health import AppHealth, HealthState, TargetHealth
from dockyard.serve._store import DeploymentStatus, Store
from dockyard.serve.dashboard import CSP, SESSION_COOKIE, dashboard_routes
from tests.unit.serve.dashboard.conftest import Dash
from tests.unit.serve.dashboard.seed import (
    DEPLOY_TOKEN,
    DIGEST_BLOG,
    DIGEST_LIVE,
    DIGEST_OLD,
    HOSTILE_AUTHOR,
    HOSTILE_MESSAGE,
    MemoryCommits,
    RecordingActions,
    make_config,
    seed,
)


def test_pages_need_a_session_and_send_you_to_sign_in(dash: Dash) -> None:
    answer = dash.client.get("/ui/apps/shop", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/signin?next=/ui/apps/shop"


def test_an_unknown_token_is_refused_and_no_session_is_given(dash: Dash) -> None:
    csrf = dash.csrf("/ui/signin")
    answer = dash.client.post("/ui/signin", data={"token": "nope", "csrf": csrf})
    assert answer.status_code == 401
    assert "That token is not known" in answer.text
    assert SESSION_COOKIE not in dash.client.cookies


def test_sign_in_without_its_csrf_token_is_refused(dash: Dash) -> None:
    dash.client.get("/ui/signin")
    answer = dash.client.post("/ui/signin", data={"token": "dy_read_0123456789abcdef"})
    assert answer.status_code == 403
    assert SESSION_COOKIE not in dash.client.cookies


def test_the_session_cookie_is_httponly_strict_and_secure_only_when_asked(dash: Dash) -> None:
    csrf = dash.csrf("/ui/signin")
    answer = dash.client.post(
        "/ui/signin",
        data={"token": "dy_read_0123456789abcdef", "csrf": csrf, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"  # never off this server
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie
    assert "dy_read" not in cookie  # the token itself never goes into the cookie


def test_a_forged_or_tampered_cookie_is_no_session(reader: Dash) -> None:
    good = reader.client.cookies[SESSION_COOKIE]
    body, signature = good.rsplit(".", 1)
    reader.client.cookies.set(SESSION_COOKIE, f"{body}.{'A' * len(signature)}")
    assert reader.client.get("/", follow_redirects=False).status_code == 303
    token_hash, expiry = body.split(".")
    reader.client.cookies.set(SESSION_COOKIE, f"{token_hash}.{int(expiry) + 99}.{signature}")
    assert reader.client.get("/", follow_redirects=False).status_code == 303


def test_the_overview_shows_each_apps_live_commit_digest_targets_and_last_build(
    reader: Dash,
) -> None:
    page = reader.client.get("/")
    assert page.status_code == 200
    html = page.text
    shop = html[html.index('id="app-shop"') : html.index('id="app-blog"')]
    assert "2222222" in shop  # the live commit, not the newer running one
    assert DIGEST_LIVE[:19] in shop
    assert DIGEST_OLD[:19] not in shop
    assert "container shop-web" in shop
    assert "updated" in shop
    assert f"#{reader.seeded.running_build}" in shop
    assert "building" in shop
    blog = html[html.index('id="app-blog"') :]
    assert "New post: shipping on Fridays" in blog
    assert "Margaret H." in blog
    assert DIGEST_BLOG[:19] in blog
    assert re.search(r'<time datetime="[^"]+Z" title="[^"]+ UTC">2 days ago</time>', blog)


def test_forge_text_is_escaped_everywhere(reader: Dash) -> None:
    for path in ("/", "/ui/apps/shop", f"/ui/builds/{reader.seeded.live_build}"):
        html = reader.client.get(path).text
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html
    build = reader.client.get(f"/ui/builds/{reader.seeded.live_build}").text
    assert "main&#34;&gt;&lt;b&gt;x&lt;/b&gt;" in build  # the branch name
    assert HOSTILE_AUTHOR not in build
    assert HOSTILE_MESSAGE not in build


def test_every_page_has_a_strict_csp_and_only_our_own_script(reader: Dash) -> None:
    for path in ("/", "/ui/apps/shop", f"/ui/builds/{reader.seeded.gate_build}", "/ui/signin"):
        answer = reader.client.get(path)
        assert answer.headers["content-security-policy"] == CSP
        assert "default-src 'self'" in CSP
        assert "unsafe-inline" not in CSP
        scripts = re.findall(r"<script[^>]*>", answer.text)
        assert scripts == ['<script src="/ui/static/dashboard.js" defer>']
        assert "style=" not in answer.text
        assert not re.search(r'(src|href)="(https?:)?//', answer.text)  # nothing from another host
    css = reader.client.get("/ui/static/dashboard.css")
    assert css.status_code == 200
    assert "prefers-color-scheme: dark" in css.text
    assert "@import" not in css.text
    assert "url(" not in css.text
    assert css.headers["content-security-policy"] == CSP


def test_the_app_page_lists_builds_with_size_change_gate_and_deployments(deployer: Dash) -> None:
    html = deployer.client.get("/ui/apps/shop").text
    rows = re.findall(r'<tr class="build" data-build="(\d+)">(.*?)</tr>', html, re.S)
    by_id = {int(i): body for i, body in rows}
    live = by_id[deployer.seeded.live_build]
    assert "121.9 MB" in live
    assert "+3.5 MB" in live  # from the older build's 118.4 MB
    assert "passed" in live
    assert "1 finding(s)" in live
    assert "58 s" in live
    gate = by_id[deployer.seeded.gate_build]
    assert "failed" in gate
    assert "state-bad" in gate
    deployments = re.findall(
        r'<tr class="deployment" data-deployment="(\d+)">(.*?)</tr>', html, re.S
    )
    states = {int(i): body for i, body in deployments}
    assert "live" in states[deployer.seeded.live_deployment]
    assert "superseded" in states[deployer.seeded.old_deployment]
    assert "Roll back to this" in states[deployer.seeded.old_deployment]
    assert "Roll back to this" not in states[deployer.seeded.live_deployment]
    assert "Deploy now" in html
    assert "limit 200.0 MB" in html  # the size chart, drawn on the server


def test_a_read_only_session_sees_no_buttons_and_its_posts_are_refused(reader: Dash) -> None:
    html = reader.client.get("/ui/apps/shop").text
    assert "Roll back to this" not in html
    assert "Deploy now" not in html
    csrf = reader.csrf("/ui/apps/shop")  # the sign-out form's token is the session's
    for action, data in (("rollback", {"deployment": "1"}), ("deploy", {})):
        answer = reader.client.post(f"/ui/apps/shop/{action}", data={**data, "csrf": csrf})
        assert answer.status_code == 403
        assert "can read, not deploy" in answer.text
    assert reader.actions.calls == []


def test_a_post_without_its_csrf_token_is_refused(deployer: Dash) -> None:
    for data in ({}, {"csrf": "forged"}):
        answer = deployer.client.post("/ui/apps/shop/deploy", data=data)
        assert answer.status_code == 403
        assert "CSRF" in answer.text
    assert deployer.actions.calls == []


def test_rollback_restores_the_chosen_deployment_and_says_so(deployer: Dash) -> None:
    csrf = deployer.csrf("/ui/apps/shop")
    answer = deployer.client.post(
        "/ui/apps/shop/rollback",
        data={"csrf": csrf, "deployment": str(deployer.seeded.old_deployment)},
    )
    assert answer.status_code == 200
    assert deployer.actions.calls == [("rollback", "shop", deployer.seeded.old_deployment)]
    assert "rolled shop back to sha256:a1a1a1a1a1a1" in answer.text
    live = [d for d in deployer.store.deployments("shop") if d.status is DeploymentStatus.LIVE]
    assert [d.digest for d in live] == [DIGEST_OLD]
    overview = deployer.client.get("/").text
    shop = overview[overview.index('id="app-shop"') : overview.index('id="app-blog"')]
    assert DIGEST_OLD[:19] in shop


def test_deploy_now_and_a_refused_action_show_their_one_line(deployer: Dash) -> None:
    csrf = deployer.csrf("/ui/apps/shop")
    done = deployer.client.post("/ui/apps/shop/deploy", data={"csrf": csrf})
    assert "queued a build of shop" in done.text
    deployer.actions.refuse = "the queue of shop is full"
    refused = deployer.client.post("/ui/apps/shop/deploy", data={"csrf": csrf})
    assert "Refused: the queue of shop is full" in refused.text


def test_a_notice_in_the_url_must_be_signed(deployer: Dash) -> None:
    page = deployer.client.get("/ui/apps/shop?notice=aGk.forged")
    assert 'class="notice"' not in page.text


def test_the_build_page_shows_log_findings_and_the_policy_decision(reader: Dash) -> None:
    gate = reader.client.get(f"/ui/builds/{reader.seeded.gate_build}").text
    assert "gate: size 240.2 MB is over the limit of 200 MB" in gate
    assert "At most 200" in gate
    live = reader.client.get(f"/ui/builds/{reader.seeded.live_build}").text
    assert "DL3008" in live
    assert "Pin versions" in live
    assert "#1 DONE 0.1s" in live
    assert "data-stream" not in live  # finished: nothing to follow
    assert '<dd class="timings">queued 1.0 s · building 58 s</dd>' in live
    layers = live[live.index("<h2>Layers</h2>") : live.index("<h2>Log</h2>")]
    assert "3 layers, 121.9 MB unpacked on <code>python:3.11-slim</code>" in layers
    assert "3.2 MB wasted (efficiency 97.3%); 1 instruction(s) made no layer" in layers
    assert "pip install -r requirements.txt" in layers
    assert '<meter min="0" max="74800000" value="47000000" title="47.0 MB">' in layers
    assert "<script>alert" not in layers
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in layers
    gate_layers = gate[gate.index("<h2>Layers</h2>") : gate.index("<h2>Log</h2>")]
    assert "Nothing was pushed." in gate_layers
    running = reader.client.get(f"/ui/builds/{reader.seeded.running_build}").text
    assert "data-stream=" in running


def test_unknown_app_and_build_are_404(reader: Dash) -> None:
    assert reader.client.get("/ui/apps/nope").status_code == 404
    assert reader.client.get("/ui/builds/9999").status_code == 404


def test_the_log_stream_sends_lines_after_the_last_seen_then_ends(reader: Dash) -> None:
    build = reader.seeded.live_build
    first = reader.store.log_lines(build)[0].id
    with reader.client.stream("GET", f"/ui/builds/{build}/log?after={first}") as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        body = "".join(answer.iter_text())
    assert "#1 DONE 0.1s" in body
    assert "building http" not in body  # the line before `after`
    assert body.rstrip().endswith("event: end\ndata: live")


def test_live_endpoints_need_a_session(dash: Dash) -> None:
    assert dash.client.get("/ui/events").status_code == 401
    assert dash.client.get(f"/ui/builds/{dash.seeded.live_build}/log").status_code == 401


def test_the_signing_key_is_kept_in_the_state_dir_private(dash: Dash) -> None:
    key = dash.state_dir / "dashboard.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_behind_tls_the_session_cookie_is_secure(tmp_path: Path) -> None:
    state = tmp_path / "state"
    store = Store.open(f"sqlite:///{state / 'serve.db'}")
    seed(store, MemoryCommits())
    routes = dashboard_routes(
        store=store,
        config=make_config(state),
        actions=RecordingActions(store),
        secure_cookies=True,
    )
    with TestClient(Starlette(routes=routes), base_url="https://127.0.0.1") as client:
        form = client.get("/ui/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf
        answer = client.post(
            "/ui/signin",
            data={"token": DEPLOY_TOKEN, "csrf": csrf.group(1)},
            follow_redirects=False,
        )
    store.close()
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v
    )
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_two_open_sign_in_forms_both_work(dash: Dash) -> None:
    first = dash.csrf("/ui/signin")
    second = dash.csrf("/ui/signin")
    assert first == second
    answer = dash.client.post(
        "/ui/signin", data={"token": DEPLOY_TOKEN, "csrf": first}, follow_redirects=False
    )
    assert answer.status_code == 303


def test_the_overview_stream_says_changed_when_a_deployment_lands(reader: Dash) -> None:
    with reader.client.stream("GET", "/ui/events") as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        lines = answer.iter_lines()
        assert next(lines).startswith("retry:")
        reader.store.add_deployment(
            app="blog",
            build_id=None,
            commit=None,
            digest="sha256:" + "e5" * 32,
            targets=[],
            status=DeploymentStatus.LIVE,
            reason=None,
            now=0.0,
        )
        following = [next(lines) for _ in range(3)]
    assert following == ["", "event: changed", "data: {}"]


class LiveHealth:
    """The server's health monitor as the dashboard sees it: answers the test sets."""

    def __init__(self) -> None:
        self.by_app: dict[str, AppHealth] = {}
        self.moved = 0
        self.looks = 0

    def want(self) -> None:
        self.looks += 1

    def latest(self, app: str) -> AppHealth | None:
        return self.by_app.get(app)

    def version(self) -> int:
        return self.moved


def _with_health(tmp_path: Path, health: LiveHealth) -> tuple[TestClient, Store]:
    state = tmp_path / "state"
    store = Store.open(f"sqlite:///{state / 'serve.db'}")
    seed(store, MemoryCommits())
    routes = dashboard_routes(
        store=store,
        config=make_config(state),
        actions=RecordingActions(store),
        secure_cookies=False,
        health=health,
        poll_interval=0.05,
    )
    client = TestClient(Starlette(routes=routes), base_url="http://127.0.0.1")
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/signin").text)
    assert csrf
    client.post("/ui/signin", data={"token": DEPLOY_TOKEN, "csrf": csrf.group(1), "next": "/"})
    return client, store


def test_the_overview_shows_each_targets_live_health_in_words(tmp_path: Path) -> None:
    health = LiveHealth()
    client, store = _with_health(tmp_path, health)
    try:
        health.looks = 0
        first = client.get("/").text
        assert health.looks == 1  # the page asked for fresh samples
        assert "checking…" in first
        health.by_app["shop"] = AppHealth(
            checked_at=1000.0,
            targets=(
                TargetHealth(
                    Target.parse({"container": "shop-web"}),
                    ("shop-web",),
                    HealthState.UNHEALTHY,
                    3,
                    1,
                    1,
                ),
            ),
        )
        health.by_app["blog"] = AppHealth(
            checked_at=1000.0, targets=(), error="the engine does not answer"
        )
        html = client.get("/").text
        shop = html[html.index('id="app-shop"') : html.index('id="app-blog"')]
        health_part = shop[shop.index('class="health"') :]
        assert "state-bad" in health_part
        assert "unhealthy" in health_part
        assert "3 restarts" in health_part
        blog = html[html.index('id="app-blog"') :]
        assert "not known" in blog
        assert "the engine does not answer" in blog
    finally:
        client.close()
        store.close()


def test_the_overview_stream_says_changed_when_a_targets_health_changes(tmp_path: Path) -> None:
    health = LiveHealth()
    client, store = _with_health(tmp_path, health)
    try:
        with client.stream("GET", "/ui/events") as answer:
            lines = answer.iter_lines()
            assert next(lines).startswith("retry:")
            health.moved += 1
            following = [next(lines) for _ in range(3)]
        assert following == ["", "event: changed", "data: {}"]
        assert health.looks >= 1  # an open overview keeps the samples fresh
    finally:
        client.close()
        store.close()
