"""Which containers a cycle looks at, and in which order it touches them."""

from __future__ import annotations

from typing import Any

import pytest

from dockyard.engine import ContainerInfo
from dockyard.update import Selection
from dockyard.update._order import (
    dependencies,
    dependency_levels,
    dependents_of,
    in_dependency_order,
)
from dockyard.update._select import select_containers

WT = "com.centurylinklabs.watchtower."


def box(
    name: str,
    *,
    status: str = "running",
    labels: dict[str, str] | None = None,
    host: dict[str, Any] | None = None,
    cid: str | None = None,
) -> ContainerInfo:
    return ContainerInfo.from_attrs(
        {
            "Id": cid or (name * 64)[:64],
            "Name": "/" + name,
            "Image": "sha256:x",
            "State": {"Status": status},
            "Config": {"Image": "app:1", "Labels": labels or {}},
            "HostConfig": host or {},
        }
    )


def names(selection: Selection, *containers: ContainerInfo) -> list[str]:
    return [c.name for c in select_containers(containers, selection=selection)]


def test_running_only_by_default_and_stopped_or_restarting_on_request() -> None:
    boxes = [box("a"), box("b", status="exited"), box("c", status="restarting")]
    assert names(Selection(), *boxes) == ["a"]
    assert names(Selection(include_stopped=True), *boxes) == ["a", "b"]
    assert names(Selection(include_restarting=True), *boxes) == ["a", "c"]


def test_names_are_exact_or_whole_regular_expressions() -> None:
    boxes = [box("web-1"), box("web-2"), box("db"), box("xweb-1")]
    assert names(Selection(names=["db"]), *boxes) == ["db"]
    assert names(Selection(names=["web-[0-9]"]), *boxes) == ["web-1", "web-2"]
    assert names(Selection(names=["/db"]), *boxes) == ["db"]


@pytest.mark.parametrize("prefix", [WT, "dockyard."])
def test_opt_in_and_opt_out_labels(prefix: str) -> None:
    on, off, plain = (
        box("on", labels={prefix + "enable": "true"}),
        box("off", labels={prefix + "enable": "false"}),
        box("plain"),
    )
    assert names(Selection(), on, off, plain) == ["on", "plain"]
    assert names(Selection(label_enable=True), on, off, plain) == ["on"]


def test_dockyard_label_wins_over_watchtower_label() -> None:
    both = box("x", labels={WT + "enable": "false", "dockyard.enable": "true"})
    assert names(Selection(label_enable=True), both) == ["x"]


def test_scope() -> None:
    a, b, none = (
        box("a", labels={WT + "scope": "a"}),
        box("b", labels={WT + "scope": "b"}),
        box("n"),
    )
    assert names(Selection(scope="a"), a, b, none) == ["a"]
    assert names(Selection(scope="none"), a, b, none) == ["n"]
    assert names(Selection(), a, b, none) == ["a", "b", "n"]


def test_every_kind_of_dependency_is_found() -> None:
    db = box("db", cid="d" * 64)
    cache = box("cache")
    web = box(
        "web",
        labels={WT + "depends-on": "cache"},
        host={"Links": ["/db:/web/db"]},
    )
    sidecar = box("sidecar", host={"NetworkMode": "container:" + "d" * 64})
    everything = [db, cache, web, sidecar]
    assert dependencies(web, all_containers=everything) == {"db", "cache"}
    assert dependencies(sidecar, all_containers=everything) == {"db"}


def test_compose_depends_on_names_services_of_the_same_project() -> None:
    db = box(
        "p-db-1", labels={"com.docker.compose.project": "p", "com.docker.compose.service": "db"}
    )
    other = box(
        "q-db-1", labels={"com.docker.compose.project": "q", "com.docker.compose.service": "db"}
    )
    app = box(
        "p-app-1",
        labels={
            "com.docker.compose.project": "p",
            "com.docker.compose.service": "app",
            "com.docker.compose.depends_on": "db:service_healthy:false",
        },
    )
    assert dependencies(app, all_containers=[db, other, app]) == {"p-db-1"}


def test_order_puts_dependencies_first_and_finds_transitive_dependents() -> None:
    db = box("db")
    api = box("api", labels={WT + "depends-on": "db"})
    web = box("web", labels={WT + "depends-on": "api"})
    lone = box("lone")
    everything = [web, lone, api, db]
    order = in_dependency_order(["web", "api", "db", "lone"], all_containers=everything)
    assert order.index("db") < order.index("api") < order.index("web")
    assert dependents_of(["db"], all_containers=everything) == {"api", "web"}


def test_a_dependency_cycle_does_not_hang() -> None:
    a = box("a", labels={WT + "depends-on": "b"})
    b = box("b", labels={WT + "depends-on": "a"})
    assert sorted(in_dependency_order(["a", "b"], all_containers=[a, b])) == ["a", "b"]


def test_levels_group_what_can_start_together() -> None:
    db = box("db")
    cache = box("cache")
    api = box("api", labels={WT + "depends-on": "db,cache"})
    web = box("web", labels={WT + "depends-on": "api"})
    lone = box("lone")
    everything = [web, lone, api, db, cache]
    levels = dependency_levels(["web", "api", "db", "cache", "lone"], all_containers=everything)
    assert levels == [["cache", "db", "lone"], ["api"], ["web"]]
