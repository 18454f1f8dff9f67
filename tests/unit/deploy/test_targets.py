"""Deploy targets as the configuration and the command line spell them, and what they mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dockyard.deploy import (
    DeployResult,
    PinnedSource,
    Target,
    TargetKind,
    TargetResult,
    TargetStatus,
    judge_results,
    normalized_image,
    resolve_containers,
)
from dockyard.engine import ContainerInfo
from dockyard.errors import RegistryError, UsageError

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("entry", "kind", "value"),
    [
        ({"container": "web"}, TargetKind.CONTAINER, "web"),
        ({"label": "app=web"}, TargetKind.LABEL, "app=web"),
        ({"label": "a=b=c"}, TargetKind.LABEL, "a=b=c"),
        ({"compose_service": "shop/api"}, TargetKind.COMPOSE_SERVICE, "shop/api"),
        ({"swarm_service": "api"}, TargetKind.SWARM_SERVICE, "api"),
        ({"kubernetes": "prod/web"}, TargetKind.KUBERNETES, "prod/web"),
    ],
)
def test_each_kind_parses(entry: dict[str, str], kind: TargetKind, value: str) -> None:
    target = Target.parse(entry)
    assert (target.kind, target.value) == (kind, value)
    assert target.as_json() == entry


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({}, "exactly one key"),
        ({"container": "a", "label": "b=c"}, "exactly one key"),
        ({"host": "web"}, "unknown deploy target 'host'"),
        ({"container": " "}, "needs a value"),
        ({"label": "app"}, "not KEY=VALUE"),
        ({"compose_service": "api"}, "not PROJECT/SERVICE"),
        ({"kubernetes": "prod/web/x"}, "not NAMESPACE/NAME"),
        ({"kubernetes": "/web"}, "not NAMESPACE/NAME"),
    ],
)
def test_wrong_targets_get_one_line(entry: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        Target.parse(entry)
    assert "\n" not in str(caught.value)


def test_the_command_line_spelling() -> None:
    assert Target.parse_option("label=app=web") == Target(TargetKind.LABEL, "app=web")
    with pytest.raises(UsageError, match="KIND=VALUE"):
        Target.parse_option("web")


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("app", "app:latest"),
        ("127.0.0.1:5000/app", "127.0.0.1:5000/app:latest"),
        ("127.0.0.1:5000/app:v2", "127.0.0.1:5000/app:v2"),
    ],
)
def test_images_are_tags(image: str, expected: str) -> None:
    assert normalized_image(image) == expected


def test_an_image_with_a_digest_is_refused() -> None:
    with pytest.raises(UsageError, match="name the tag"):
        normalized_image(f"app@{DIGEST}")


def _container(name: str, **labels: str) -> ContainerInfo:
    summary: dict[str, Any] = {
        "Id": name * 4,
        "Names": [f"/{name}"],
        "Image": "app:latest",
        "ImageID": "sha256:" + "1" * 64,
        "State": "running",
        "Labels": labels,
    }
    return ContainerInfo.from_summary(summary)


def test_targets_resolve_to_the_containers_they_mean() -> None:
    containers = [
        _container("web"),
        _container("web-2", app="web"),
        _container(
            "shop-api-1",
            **{"com.docker.compose.project": "shop", "com.docker.compose.service": "api"},
        ),
        _container(
            "other-api-1",
            **{"com.docker.compose.project": "other", "com.docker.compose.service": "api"},
        ),
        _container("task.1", **{"com.docker.swarm.service.name": "web", "app": "web"}),
        _container("web-dockyard-old-1234", app="web"),
    ]
    by_name = Target(TargetKind.CONTAINER, "web")
    by_label = Target(TargetKind.LABEL, "app=web")
    by_compose = Target(TargetKind.COMPOSE_SERVICE, "shop/api")
    nothing = Target(TargetKind.CONTAINER, "we.")
    service = Target(TargetKind.SWARM_SERVICE, "web")

    found = resolve_containers([by_name, by_label, by_compose, nothing, service], containers)

    names = {target: [c.name for c in found[target]] for target in found}
    assert names == {
        by_name: ["web"],
        by_label: ["web-2"],  # a Swarm task and a swap's old container are never targets
        by_compose: ["shop-api-1"],
        nothing: [],  # a name is a name, not a pattern
    }


def test_the_pinned_source_answers_one_digest_for_one_tag() -> None:
    source = PinnedSource(image="127.0.0.1:5000/app", digest=DIGEST)
    assert source.remote_digest("127.0.0.1:5000/app:latest").digest == DIGEST
    assert source.remote_digest(f"127.0.0.1:5000/app:latest@{'b' * 64}").digest == DIGEST
    with pytest.raises(RegistryError, match="not the image being deployed"):
        source.remote_digest("127.0.0.1:5000/app:v2")


def test_a_deployment_is_ok_only_when_every_target_runs_the_digest() -> None:
    web = Target(TargetKind.CONTAINER, "web")

    def result(status: TargetStatus) -> TargetResult:
        return TargetResult(web, "web", status)

    assert judge_results([result(TargetStatus.UPDATED), result(TargetStatus.FRESH)])
    assert not judge_results([])
    for bad in (TargetStatus.ROLLED_BACK, TargetStatus.FAILED, TargetStatus.MISSING):
        assert not judge_results([result(TargetStatus.UPDATED), result(bad)])
    document = DeployResult("app:latest", DIGEST, (result(TargetStatus.MISSING),)).as_json()
    assert document["ok"] is False
    assert document["targets"][0] == {
        "target": {"container": "web"},
        "name": "web",
        "status": "missing",
        "old_image": None,
        "new_image": None,
        "reason": None,
        "old_digest": None,
    }


def test_an_interrupted_swap_is_seen_by_its_journal(tmp_path: Path) -> None:
    from dockyard.deploy import has_interrupted_swaps
    from dockyard.update._journal import Journal

    assert not has_interrupted_swaps(tmp_path)
    journal = Journal(state_dir=tmp_path, plan={"name": "web"})
    assert has_interrupted_swaps(tmp_path)  # a start must replay it, with the engine
    journal.close(remove=True)
    assert not has_interrupted_swaps(tmp_path)
