"""``dockyard deploy --to swarm_service=NAME`` on the test swarm's manager: an exact digest
rolled out through the manager, an earlier one brought back although the tag names the newer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import docker
import pytest

from dockyard.engine import inspect_service
from tests.integration.swarm.conftest import ServiceFactory, Swarm, SwarmImages, wait_until
from tests.integration.swarm.test_watch_services import Tag, served


@pytest.fixture
def tag(host_client: docker.DockerClient, swarm_images: SwarmImages) -> Tag:
    return Tag(host_client, swarm_images.v1.partition("@")[0])


def deploy(swarm: Swarm, state_dir: Path, image: str, *args: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockyard",
            "deploy",
            image,
            "--json",
            "--state-dir",
            str(state_dir),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DOCKER_HOST": swarm.manager_host},
        check=False,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_service_goes_to_a_digest_and_back(
    swarm: Swarm, swarm_images: SwarmImages, services: ServiceFactory, tag: Tag, tmp_path: Path
) -> None:
    old = tag.point_at(swarm_images.v1)
    name, port = services.create(f"{tag.ref}@{old}")
    new = tag.point_at(swarm_images.v2)

    code, result = deploy(
        swarm, tmp_path, tag.ref, "--digest", new, "--to", f"swarm_service={name}"
    )

    assert code == 0, result
    (entry,) = result["targets"]
    assert (entry["name"], entry["status"]) == (name, "updated")
    assert (entry["old_image"], entry["new_image"], entry["old_digest"]) == (old, new, old)
    assert inspect_service(swarm.manager, service=name).image == f"{tag.ref}@{new}"
    assert wait_until(lambda: served(swarm, port) == {"v2"}, timeout=30, what="v2 on both")

    code, result = deploy(
        swarm, tmp_path, tag.ref, "--digest", old, "--to", f"swarm_service={name}"
    )

    assert code == 0, result
    assert result["targets"][0]["status"] == "updated"
    assert inspect_service(swarm.manager, service=name).image == f"{tag.ref}@{old}"
    assert wait_until(lambda: served(swarm, port) == {"v1"}, timeout=30, what="v1 on both")


def test_a_service_that_does_not_exist_is_missing(swarm: Swarm, tmp_path: Path) -> None:
    code, result = deploy(
        swarm,
        tmp_path,
        "127.0.0.1:5000/none:app",
        "--digest",
        "sha256:" + "0" * 64,
        "--to",
        "swarm_service=dockyard-no-such-service",
    )
    assert code == 11
    assert [(e["status"], e["reason"]) for e in result["targets"]] == [
        ("missing", "no such Swarm service")
    ]
