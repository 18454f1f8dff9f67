"""The HTTP API as a client sees it (starlette's TestClient over a real SQLite store)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from dockyard.serve import ServeConfig
from dockyard.serve._api import INLINE_BODY_BYTES, choose_rollback
from dockyard.serve._pipeline import Stage
from dockyard.serve._store import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Deployment,
    DeploymentStatus,
    Scope,
)
from tests.unit.serve.conftest import API_TOKEN, WEB_SECRET, Api, running_api, serve_config
from tests.unit.serve.payloads import (
    DIGEST,
    DOCKER_HUB,
    GITHUB_PING,
    HEAD,
    REGISTRY_ENVELOPE,
    body,
    github_push,
    github_signature,
    gitlab_push,
)


def _github(
    api: Api,
    data: dict[str, object],
    *,
    delivery: str = "d-1",
    event: str = "push",
    secret: str = WEB_SECRET,
    app: str = "web",
) -> tuple[int, dict[str, object], dict[str, str]]:
    raw = body(data)
    response = api.client.post(
        f"/hooks/{app}",
        content=raw,
        headers={
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": github_signature(secret, raw),
            "Content-Type": "application/json",
        },
    )
    return response.status_code, response.json(), dict(response.headers)


# -- webhooks ---------------------------------------------------------------------------------


def test_a_signed_push_is_stored_then_answered_202_and_a_replay_200_duplicate(api: Api) -> None:
    status, answer, _ = _github(api, github_push())
    assert (status, answer) == (202, {"status": "queued", "delivery": "github:d-1"})
    stored = api.state.store.get_delivery("github:d-1")
    assert stored is not None
    assert (stored.status, stored.commit, stored.app) == (DeliveryStatus.QUEUED, HEAD, "web")
    status, answer, _ = _github(api, github_push())
    assert (status, answer) == (200, {"status": "duplicate", "delivery": "github:d-1"})
    assert len(api.state.store.deliveries()) == 1


def test_a_push_too_large_to_check_on_the_event_loop_is_checked_all_the_same(api: Api) -> None:
    files = [f"src/module_{n:05}.py" for n in range(20_000)]  # a push of a big refactoring
    data = github_push(changed=files)
    assert len(body(data)) > INLINE_BODY_BYTES
    status, answer, _ = _github(api, data)
    assert (status, answer) == (202, {"status": "queued", "delivery": "github:d-1"})
    status, answer, _ = _github(api, data, secret="guessed", delivery="d-2")
    assert (status, answer) == (401, {"error": "the signature does not match"})
    assert [d.id for d in api.state.store.deliveries()] == ["github:d-1"]


def test_a_forged_signature_is_401_and_stores_nothing(api: Api) -> None:
    status, answer, _ = _github(api, github_push(), secret="guessed")
    assert (status, answer) == (401, {"error": "the signature does not match"})
    response = api.client.post("/hooks/web", content=b"{}", headers={"X-GitHub-Event": "push"})
    assert response.status_code == 401
    assert api.state.store.deliveries() == []


def test_ping_other_events_other_branches_and_skip_ci(api: Api) -> None:
    assert _github(api, GITHUB_PING, event="ping", delivery="p")[:2] == (
        200,
        {"status": "pong", "delivery": "github:p"},
    )
    assert _github(api, {}, event="issues", delivery="i")[:2] == (
        200,
        {"status": "ignored", "reason": "event issues is not a push"},
    )
    status, answer, _ = _github(api, github_push(ref="refs/heads/dev"), delivery="b")
    assert (status, answer["reason"]) == (200, "a push to dev; this app builds main")
    status, answer, _ = _github(api, github_push(message="docs [skip ci]"), delivery="s")
    assert (status, answer["reason"]) == (200, "the head commit's message says [skip ci]")
    ignored = api.state.store.get_delivery("github:s")
    assert ignored is not None
    assert ignored.status is DeliveryStatus.IGNORED
    # An ignored delivery is still a delivery: sent again, it is a duplicate.
    assert _github(api, github_push(message="docs [skip ci]"), delivery="s")[1]["status"] == (
        "duplicate"
    )


def test_gitlab_s_token(api: Api) -> None:
    raw = body(gitlab_push())
    headers = {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "u1"}
    wrong = api.client.post("/hooks/api", content=raw, headers=headers | {"X-Gitlab-Token": "x"})
    assert wrong.status_code == 401
    right = api.client.post(
        "/hooks/api", content=raw, headers=headers | {"X-Gitlab-Token": API_TOKEN}
    )
    assert (right.status_code, right.json()["delivery"]) == (202, "gitlab:u1")


def test_unknown_apps_apps_without_webhooks_and_bad_bodies(api: Api) -> None:
    assert api.client.post("/hooks/nope", content=b"{}").json() == {"error": "no app named nope"}
    quiet = api.client.post("/hooks/quiet", content=b"{}")
    assert quiet.status_code == 404
    raw = b"not json"
    bad = api.client.post(
        "/hooks/web",
        content=raw,
        headers={
            "X-GitHub-Event": "push",
            "X-Hub-Signature-256": github_signature(WEB_SECRET, raw),
        },
    )
    assert (bad.status_code, bad.json()) == (400, {"error": "the delivery's body is not JSON"})


def test_a_missing_webhook_secret_is_503_without_details(api: Api) -> None:
    api.state.environ = {}
    status, answer, _ = _github(api, github_push())
    assert (status, answer) == (
        503,
        {"error": "the webhook secret is not available on this server"},
    )


def test_a_full_queue_answers_429_with_retry_after(api: Api) -> None:
    api.state.config = api.state.inbox.config = api.state.config.model_copy(
        update={"queue_limit": 1}
    )
    raw = body(gitlab_push())
    headers = {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": API_TOKEN}
    first = api.client.post(
        "/hooks/api", content=raw, headers=headers | {"X-Gitlab-Event-UUID": "1"}
    )
    assert first.status_code == 202
    status, answer, headers_out = _github(api, github_push(), delivery="full")
    assert status == 429
    assert headers_out["retry-after"] == "60"
    assert answer == {"error": "the queue is full (1 waiting): retry later"}
    assert api.state.store.get_delivery("github:full") is None


def test_the_registry_hook_needs_a_deploy_token_and_queues_matching_apps(api: Api) -> None:
    raw = body(REGISTRY_ENVELOPE)
    assert api.client.post("/hooks/registry", content=raw).status_code == 401
    assert (
        api.client.post("/hooks/registry", content=raw, headers=api.auth(Scope.READ)).status_code
        == 403
    )
    answer = api.client.post("/hooks/registry", content=raw, headers=api.auth(Scope.DEPLOY))
    assert answer.status_code == 202
    delivery_id = "registry:6b7e6c3a-3f62-4d51-9a30-6c4e1b2f0a11:web"
    assert answer.json() == {
        "results": [{"app": "web", "delivery": delivery_id, "status": "queued", "reason": None}]
    }
    stored = api.state.store.get_delivery(delivery_id)
    assert stored is not None
    assert (stored.kind, stored.digest) == (DeliveryKind.IMAGE, DIGEST)
    again = api.client.post("/hooks/registry", content=raw, headers=api.auth(Scope.ADMIN))
    assert (again.status_code, again.json()["results"][0]["status"]) == (200, "duplicate")
    hub = api.client.post(
        "/hooks/registry", content=body(DOCKER_HUB), headers=api.auth(Scope.DEPLOY)
    )
    assert (hub.status_code, hub.json()) == (200, {"results": []})  # no app follows you/web


def test_docker_hub_s_webhook_carries_its_token_in_the_url(tmp_path: Path, store_url: str) -> None:
    """Docker Hub's webhook settings take only a URL: ``?token=`` authenticates it there."""
    config = serve_config(tmp_path)
    hub = {"repo": "https://git.example/you/web.git", "image": "you/web:latest"}
    config = ServeConfig.model_validate(config.model_dump(mode="json") | {"apps": {"hub": hub}})
    with running_api(tmp_path, config, store_url=store_url) as api:
        raw = body(DOCKER_HUB)
        deploy, read = api.tokens[Scope.DEPLOY], api.tokens[Scope.READ]
        assert api.client.post("/hooks/registry?token=dy_wrong", content=raw).status_code == 401
        assert api.client.post(f"/hooks/registry?token={read}", content=raw).status_code == 403
        answer = api.client.post(f"/hooks/registry?token={deploy}", content=raw)
        assert answer.status_code == 202
        delivery_id = "dockerhub:you/web:latest:1417566161:hub"
        assert answer.json() == {
            "results": [{"app": "hub", "delivery": delivery_id, "status": "queued", "reason": None}]
        }
        stored = api.state.store.get_delivery(delivery_id)
        assert stored is not None
        assert (stored.kind, stored.digest, stored.provider) == (
            DeliveryKind.IMAGE,
            None,
            "registry",
        )
        again = api.client.post(f"/hooks/registry?token={deploy}", content=raw)
        assert (again.status_code, again.json()["results"][0]["status"]) == (200, "duplicate")
        # the URL token is for the registry hook only: the API still wants the header
        assert api.client.get(f"/api/v1/apps?token={deploy}").status_code == 401


# -- the JSON API -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/api/v1/apps", Scope.READ),
        ("GET", "/api/v1/apps/web/builds", Scope.READ),
        ("GET", "/api/v1/apps/web/deployments", Scope.READ),
        ("GET", "/api/v1/builds/1", Scope.READ),
        ("GET", "/api/v1/builds/1/log", Scope.READ),
        ("GET", "/metrics", Scope.READ),
        ("POST", "/api/v1/apps/web/deploy", Scope.DEPLOY),
        ("POST", "/api/v1/apps/web/rollback", Scope.DEPLOY),
    ],
)
def test_every_api_route_wants_a_token_of_its_scope(
    api: Api, method: str, path: str, scope: Scope
) -> None:
    none = api.client.request(method, path)
    assert (none.status_code, none.json()) == (401, {"error": "a valid bearer token is required"})
    assert none.headers["www-authenticate"] == "Bearer"
    wrong = api.client.request(method, path, headers={"Authorization": "Bearer dy_wrong"})
    assert wrong.status_code == 401
    if scope > Scope.READ:
        low = api.client.request(method, path, headers=api.auth(Scope.READ))
        assert low.status_code == 403
        assert low.json() == {"error": f"this needs a token of scope {scope.label} or higher"}
    ok = api.client.request(method, path, headers=api.auth(Scope.ADMIN))
    assert ok.status_code not in (401, 403)


def _finished_build(api: Api, *, commit: str = HEAD, lines: tuple[str, ...] = ("one",)) -> int:
    store = api.state.store
    build_id = store.add_build(app="web", commit=commit, trigger="github", delivery_id=None, now=10)
    store.set_stage(build_id, Stage.BUILDING, reason=None, now=11)
    for line in lines:
        store.add_log(build_id, line)
    store.set_stage(build_id, Stage.GATING, reason=None, now=14)
    store.set_stage(build_id, Stage.PUSHING, reason=None, now=14.25)
    store.set_built(build_id, digest=DIGEST, size_bytes=2048, findings=[{"code": "DL3008"}])
    store.set_stage(build_id, Stage.LIVE, reason=None, now=15.5)
    return build_id


def test_builds_newest_first_with_their_facts(api: Api) -> None:
    first = _finished_build(api, commit="1" * 40)
    second = _finished_build(api, commit="2" * 40)
    listed = api.client.get("/api/v1/apps/web/builds", headers=api.auth(Scope.READ)).json()
    assert [b["id"] for b in listed] == [second, first]
    one = api.client.get(f"/api/v1/builds/{first}", headers=api.auth(Scope.READ)).json()
    assert one == {
        "id": first,
        "app": "web",
        "commit": "1" * 40,
        "trigger": "github",
        "delivery": None,
        "status": "live",
        "reason": None,
        "digest": DIGEST,
        "size_bytes": 2048,
        "findings": [{"code": "DL3008"}],
        "created_at": "1970-01-01T00:00:10+00:00",
        "started_at": "1970-01-01T00:00:11+00:00",
        "finished_at": "1970-01-01T00:00:15.500000+00:00",
        "duration_s": 4.5,
        "timings": {"queued": 1.0, "building": 3.0, "gating": 0.25, "pushing": 1.25},
    }
    assert listed[1]["timings"] == one["timings"]
    limited = api.client.get("/api/v1/apps/web/builds?limit=1", headers=api.auth(Scope.READ))
    assert len(limited.json()) == 1
    bad = api.client.get("/api/v1/apps/web/builds?limit=0", headers=api.auth(Scope.READ))
    assert bad.status_code == 400
    missing = api.client.get("/api/v1/builds/999", headers=api.auth(Scope.READ))
    assert (missing.status_code, missing.json()) == (404, {"error": "no build 999"})
    assert (
        api.client.get("/api/v1/apps/nope/builds", headers=api.auth(Scope.READ)).status_code == 404
    )


def test_a_finished_build_s_log_is_text(api: Api) -> None:
    build_id = _finished_build(api, lines=("step 1", "step 2"))
    response = api.client.get(f"/api/v1/builds/{build_id}/log", headers=api.auth(Scope.READ))
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "step 1\nstep 2\n"


def test_a_running_build_s_log_streams_as_server_sent_events(api: Api) -> None:
    store = api.state.store
    build_id = store.add_build(app="web", commit=HEAD, trigger="api", delivery_id=None, now=1)
    store.set_stage(build_id, Stage.BUILDING, reason=None, now=2)
    store.add_log(build_id, "first")

    def finish() -> None:
        time.sleep(0.2)
        store.add_log(build_id, "second")
        store.set_stage(build_id, Stage.FAILED, reason="gate", now=3)

    threading.Thread(target=finish).start()
    with api.client.stream(
        "GET", f"/api/v1/builds/{build_id}/log", headers=api.auth(Scope.READ)
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block for block in text.split("\n\n") if block]
    assert [e.split("data: ", 1)[1] for e in events] == ["first", "second", '{"status": "failed"}']
    assert events[-1].startswith("event: end")


def test_apps_show_what_runs_and_hide_credentials(api: Api) -> None:
    build_id = _finished_build(api)
    api.state.store.add_deployment(
        app="web",
        build_id=build_id,
        commit=HEAD,
        digest=DIGEST,
        targets=[],
        status=DeploymentStatus.LIVE,
        reason=None,
        now=20,
    )
    listed = api.client.get("/api/v1/apps", headers=api.auth(Scope.READ))
    web, gitlab, quiet = listed.json()
    assert web["repo"] == "https://***@git.example/you/web.git"
    assert "repo-pass" not in listed.text
    assert WEB_SECRET not in listed.text
    assert web["live"] == {"commit": HEAD, "digest": DIGEST}
    assert web["last_build"] == {"id": build_id, "status": "live"}
    assert (web["webhook"], gitlab["webhook"], quiet["webhook"]) == ("github", "gitlab", None)
    assert gitlab["poll_s"] == 300


def test_deploy_queues_a_build_of_the_branch_head(api: Api) -> None:
    response = api.client.post("/api/v1/apps/web/deploy", headers=api.auth(Scope.DEPLOY))
    assert response.status_code == 202
    delivery = api.state.store.get_delivery(response.json()["delivery"])
    assert delivery is not None
    assert (delivery.provider, delivery.kind, delivery.commit) == ("api", DeliveryKind.BUILD, None)


def _deployment(deployment_id: int, status: DeploymentStatus, digest: str) -> Deployment:
    return Deployment(
        id=deployment_id,
        app="web",
        build_id=None,
        commit=str(deployment_id) * 40,
        digest=digest,
        targets=[],
        status=status,
        reason=None,
        created_at=deployment_id,
    )


def test_choose_rollback() -> None:
    d = "sha256:" + "d" * 64
    e = "sha256:" + "e" * 64
    history = [
        _deployment(4, DeploymentStatus.LIVE, d),
        _deployment(3, DeploymentStatus.ROLLED_BACK, e),
        _deployment(2, DeploymentStatus.SUPERSEDED, d),
        _deployment(1, DeploymentStatus.SUPERSEDED, e),
    ]
    assert choose_rollback(history, None) == history[3]
    assert choose_rollback(history, 2) == history[2]
    assert choose_rollback(history, 3) == "deployment 3 never went live (rolled_back)"
    assert choose_rollback(history, 9) == "no deployment 9 of this app"
    assert choose_rollback(history[:1], None) == "no earlier successful deployment to go back to"


def test_rollback_queues_the_earlier_digest(api: Api) -> None:
    store = api.state.store
    older = "sha256:" + "1" * 64
    for digest in (older, DIGEST):
        store.add_deployment(
            app="web",
            build_id=None,
            commit=HEAD,
            digest=digest,
            targets=[],
            status=DeploymentStatus.LIVE,
            reason=None,
            now=1,
        )
    response = api.client.post("/api/v1/apps/web/rollback", headers=api.auth(Scope.DEPLOY))
    assert response.status_code == 202
    delivery = api.state.store.get_delivery(response.json()["delivery"])
    assert delivery is not None
    assert (delivery.kind, delivery.digest) == (DeliveryKind.ROLLBACK, older)
    named = api.client.post(
        "/api/v1/apps/web/rollback", json={"deployment": 999}, headers=api.auth(Scope.DEPLOY)
    )
    assert (named.status_code, named.json()) == (404, {"error": "no deployment 999 of this app"})
    bad = api.client.post(
        "/api/v1/apps/web/rollback", json={"deployment": "x"}, headers=api.auth(Scope.DEPLOY)
    )
    assert bad.status_code == 400
    none = api.client.post("/api/v1/apps/api/rollback", headers=api.auth(Scope.DEPLOY))
    assert (none.status_code, none.json()) == (
        409,
        {"error": "no earlier successful deployment to go back to"},
    )


def test_healthz_metrics_openapi_and_unknown_routes(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok", "database": True}
    _github(api, github_push())
    metrics = api.client.get("/metrics", headers=api.auth(Scope.READ))
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'dockyard_serve_deliveries_total{outcome="queued"} 1.0' in metrics.text
    assert "dockyard_serve_queue_waiting 1.0" in metrics.text
    assert "dockyard_serve_webhook_answer_seconds_count 1.0" in metrics.text
    document = api.client.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    routes = {
        route.path
        for route in api.client.app.routes  # type: ignore[attr-defined]
    }
    assert set(document["paths"]) == routes
    missing = api.client.get("/nothing")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})
    wrong = api.client.get("/hooks/web")
    assert wrong.status_code == 405
    assert "error" in wrong.json()


def test_no_secret_reaches_a_response(api: Api) -> None:
    _github(api, github_push())
    for path in ("/api/v1/apps", "/api/v1/apps/web/builds", "/metrics", "/openapi.json"):
        text = api.client.get(path, headers=api.auth(Scope.ADMIN)).text
        for secret in (WEB_SECRET, API_TOKEN, "repo-pass", *api.tokens.values()):
            assert secret not in text, (path, secret)
    assert json.dumps(api.state.config.model_dump(mode="json")).count(WEB_SECRET) == 0


def test_delivery_rows_are_what_the_api_stored(api: Api) -> None:
    _github(api, github_push())
    (delivery,) = api.state.store.deliveries()
    assert delivery == Delivery(
        id="github:d-1",
        app="web",
        provider="github",
        kind=DeliveryKind.BUILD,
        received_at=delivery.received_at,
        commit=HEAD,
        status=DeliveryStatus.QUEUED,
        reason=None,
    )
