"""The Swarm calls, against an in-memory engine: the real docker SDK client with a requests
transport that answers from saved real JSON and records what was sent, so the update request
itself (the whole spec, the version, the credentials header) is checked, not a mock's calls."""

from __future__ import annotations

import base64
import copy
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import requests
import requests.adapters

from dockyard.engine import (
    inspect_service,
    is_swarm_manager,
    list_nodes,
    list_services,
    list_tasks,
    rollback_service,
    swarm_info,
    update_service_image,
)
from dockyard.errors import EngineError, ServiceNotFound
from tests.unit.engine.sdk import engine_over

DATA = Path(__file__).parents[2] / "data" / "engine"
SERVICE_ID = "t3hohblg97se7ecetyzskbyg7"
NEW_IMAGE = "127.0.0.1:5000/dy-capture@sha256:" + "a" * 64
NOT_A_MANAGER = (
    "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster "
    "state. Please run this command on a manager node or promote the current node to a manager."
)


def _load(name: str) -> Any:
    return json.loads((DATA / f"swarm-{name}.json").read_text())


class FakeEngineAPI(requests.adapters.BaseAdapter):
    """Answers the Swarm endpoints of API 1.41 from documents; records every request."""

    def __init__(self, *, service: dict[str, Any], manager: bool = True) -> None:
        super().__init__()
        self.service = service
        self.manager = manager
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **_options: Any) -> requests.Response:
        self.sent.append(request)
        path = (request.path_url or "").split("?")[0].removeprefix("/v1.41")
        if path == "/info":
            return self._answer(200, _load("info-manager" if self.manager else "info-worker"))
        if not self.manager:
            return self._answer(503, {"message": NOT_A_MANAGER})
        known = (SERVICE_ID, self.service["Spec"]["Name"])
        if path == "/services":
            return self._answer(200, [self.service])
        if path == "/nodes":
            return self._answer(200, _load("nodes"))
        if path == "/tasks":  # like the engine, a filter naming an unknown service is a 404
            filters = json.loads(_query(request).get("filters", "{}"))
            unknown = [s for s in filters.get("service", []) if s not in known]
            if unknown:
                return self._answer(404, {"message": f"service {unknown[0]} not found"})
            return self._answer(200, _load("tasks"))
        if match := re.fullmatch(r"/services/([^/]+)(/update)?", path):
            if match.group(1) not in known:
                return self._answer(404, {"message": f"service {match.group(1)} not found"})
            if match.group(2):
                return self._answer(200, {"Warnings": ["image could not be accessed"]})
            return self._answer(200, self.service)
        return self._answer(500, {"message": f"unexpected {request.method} {path}"})

    def _answer(self, status: int, body: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = self.sent[-1]
        response.url = str(self.sent[-1].url)
        return response

    def close(self) -> None:
        pass

    def last(self, method: str) -> requests.PreparedRequest:
        return [r for r in self.sent if r.method == method][-1]


def _query(request: requests.PreparedRequest) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.path_url or "").query))


@pytest.fixture
def updated() -> dict[str, Any]:
    return _load("service-updated")


def test_an_image_update_posts_the_whole_stored_spec_with_only_the_image_changed(
    updated: dict[str, Any],
) -> None:
    api = FakeEngineAPI(service=updated)
    result = update_service_image(engine_over(api), service="dy-capture", image=NEW_IMAGE)
    posted = api.last("POST")
    assert posted.path_url.startswith(f"/v1.41/services/{SERVICE_ID}/update?")
    assert _query(posted) == {"version": "68", "registryAuthFrom": "spec"}
    expected = copy.deepcopy(updated["Spec"])
    expected["TaskTemplate"]["ContainerSpec"]["Image"] = NEW_IMAGE
    assert json.loads(posted.body or b"") == expected
    assert "X-Registry-Auth" not in posted.headers
    assert (result.service_id, result.name, result.version) == (SERVICE_ID, "dy-capture", 68)
    assert result.image_before == updated["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"]
    assert result.warnings == ("image could not be accessed",)
    inspected = api.last("GET")
    assert "insertDefaults" not in inspected.path_url  # the spec as stored, no defaults added


def test_an_image_update_forwards_the_credentials_in_the_registry_auth_header(
    updated: dict[str, Any],
) -> None:
    api = FakeEngineAPI(service=updated)
    auth = {"username": "dockyard", "password": "s3cret", "serveraddress": "127.0.0.1:5001"}
    update_service_image(engine_over(api), service="dy-capture", image=NEW_IMAGE, auth=auth)
    posted = api.last("POST")
    header = posted.headers["X-Registry-Auth"]
    assert json.loads(base64.urlsafe_b64decode(header)) == auth
    assert _query(posted) == {"version": "68"}  # the header decides, not a stored spec


def test_a_rollback_asks_for_the_previous_spec_with_its_credentials(
    updated: dict[str, Any],
) -> None:
    api = FakeEngineAPI(service=updated)
    result = rollback_service(engine_over(api), service=SERVICE_ID)
    posted = api.last("POST")
    assert _query(posted) == {
        "version": "68",
        "rollback": "previous",
        "registryAuthFrom": "previous-spec",
    }
    assert json.loads(posted.body or b"") == updated["Spec"]
    assert result.version == 68


def test_a_service_without_a_previous_spec_cannot_be_rolled_back() -> None:
    api = FakeEngineAPI(service=_load("service-created"))
    with pytest.raises(EngineError, match="dy-capture: it has no previous spec to return to"):
        rollback_service(engine_over(api), service="dy-capture")
    assert [r.method for r in api.sent] == ["GET"]


@pytest.mark.parametrize(
    "call",
    [
        lambda e: inspect_service(e, service="nope"),
        lambda e: list_tasks(e, service="nope"),
        lambda e: update_service_image(e, service="nope", image=NEW_IMAGE),
        lambda e: rollback_service(e, service="nope"),
    ],
    ids=["inspect", "tasks", "update", "rollback"],
)
def test_an_unknown_service_is_service_not_found(call: Any, updated: dict[str, Any]) -> None:
    api = FakeEngineAPI(service=updated)
    with pytest.raises(ServiceNotFound, match="no Swarm service 'nope' on this manager"):
        call(engine_over(api))


def test_a_worker_is_no_manager_and_its_refusal_is_an_engine_error(
    updated: dict[str, Any],
) -> None:
    engine = engine_over(FakeEngineAPI(service=updated, manager=False))
    assert not is_swarm_manager(engine)
    assert swarm_info(engine).node_addr == "10.77.0.2"
    with pytest.raises(EngineError, match="listing swarm nodes: This node is not a swarm manager"):
        list_nodes(engine)


def test_list_services_sends_label_filters_and_reads_models(updated: dict[str, Any]) -> None:
    api = FakeEngineAPI(service=updated)
    engine = engine_over(api)
    assert is_swarm_manager(engine)
    services = list_services(engine, labels={"dockyard.test": "capture", "com.example.tier": None})
    assert [s.name for s in services] == ["dy-capture"]
    filters = json.loads(_query(api.last("GET"))["filters"])
    assert filters == {"label": ["dockyard.test=capture", "com.example.tier"]}


def test_list_tasks_filters_by_service_and_desired_state(updated: dict[str, Any]) -> None:
    api = FakeEngineAPI(service=updated)
    tasks = list_tasks(engine_over(api), service="dy-capture", desired_state="running")
    assert len(tasks) == 5  # the fake does not filter; the engine does
    filters = json.loads(_query(api.last("GET"))["filters"])
    assert filters == {"service": ["dy-capture"], "desired-state": ["running"]}
    assert [n.hostname for n in list_nodes(engine_over(api))] == [
        "swarm-manager",
        "swarm-worker2",
        "swarm-worker1",
    ]
