"""``dockyard deploy`` on the real engine and registry: an exact digest onto named targets,
an earlier digest back (a rollback by hand), an image that fails its health gate rolled back,
targets that name nothing reported, not guessed."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from tests.integration.update.conftest import DOCKYARD, Images, Lab, wait_for

_HEALTH = {
    "test": ["CMD", "test", "-e", "/tmp/ok"],
    "interval": 300_000_000,
    "timeout": 2_000_000_000,
    "retries": 3,
}


def _digest(lab: Lab, images: Images, image_id: str) -> str:
    digests = lab.client.api.inspect_image(image_id)["RepoDigests"]
    return str(next(d for d in digests if d.startswith(images.repository + "@")).split("@")[1])


def _deploy(lab: Lab, images: Images, *args: str) -> tuple[int, dict[str, Any], str]:
    command = [
        DOCKYARD,
        "deploy",
        images.ref(),
        "--json",
        "--state-dir",
        str(lab.state_dir),
        "--confirm-seconds",
        "1",
        "--health-timeout",
        "20",
        *args,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=240, env=dict(os.environ), check=False
    )
    document = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, document, done.stderr


def _image_of(lab: Lab, name: str) -> str:
    return str(lab.client.api.inspect_container(name)["Image"])


def test_a_digest_goes_on_and_an_earlier_one_comes_back(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    web = lab.run(images.ref(), "web", init=True).name
    v2 = images.publish("v2")
    d1, d2 = _digest(lab, images, v1), _digest(lab, images, v2)

    code, result, stderr = _deploy(lab, images, "--digest", d2, "--to", f"container={web}")
    assert code == 0, stderr
    (entry,) = result["targets"]
    assert (entry["name"], entry["status"]) == (web, "updated")
    assert (entry["old_image"], entry["new_image"]) == (v1, v2)
    assert entry["old_digest"] == d1  # what a rollback deploys
    assert _image_of(lab, web) == v2

    # back to v1, although the registry's tag names v2: the digest decides, not the tag
    code, result, stderr = _deploy(lab, images, "--digest", d1, "--to", f"container={web}")
    assert code == 0, stderr
    assert result["targets"][0]["status"] == "updated"
    assert _image_of(lab, web) == v1
    assert lab.client.api.inspect_image(images.ref())["Id"] == v1

    # no digest: the tag's digest in the registry now (v2)
    code, result, stderr = _deploy(lab, images, "--to", f"container={web}")
    assert code == 0, stderr
    assert result["digest"] == d2
    assert _image_of(lab, web) == v2
    code, result, _ = _deploy(lab, images, "--digest", d2, "--to", f"container={web}")
    assert (code, result["targets"][0]["status"]) == (0, "fresh")


def test_label_and_compose_targets_and_one_that_names_nothing(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    tagged = lab.run(images.ref(), "tagged", init=True, labels={"dyw.app": lab.unique}).name
    compose = {
        "com.docker.compose.project": f"p{lab.unique}",
        "com.docker.compose.service": "api",
    }
    api = lab.run(images.ref(), "api", init=True, labels=compose).name
    bystander = lab.run(images.ref(), "bystander", init=True).name
    v2 = images.publish("v2")

    code, result, stderr = _deploy(
        lab,
        images,
        "--digest",
        _digest(lab, images, v2),
        "--to",
        f"label=dyw.app={lab.unique}",
        "--to",
        f"compose_service=p{lab.unique}/api",
        "--to",
        f"container=absent-{lab.unique}",
    )

    assert code == 11, stderr
    statuses = {e["name"]: e["status"] for e in result["targets"]}
    assert statuses == {tagged: "updated", api: "updated", f"absent-{lab.unique}": "missing"}
    assert f"container absent-{lab.unique}: missing: no such container on the engine" in stderr
    assert _image_of(lab, tagged) == _image_of(lab, api) == v2
    assert _image_of(lab, bystander) == v1  # not a target: untouched


def test_an_image_that_fails_its_health_gate_is_rolled_back(lab: Lab, images: Images) -> None:
    v1 = images.publish("v1")
    web = lab.run(images.ref(), "gated", init=True, healthcheck=_HEALTH).name
    wait_for(lambda: lab.client.containers.get(web).health == "healthy", what="v1 healthy")
    broken = images.publish("broken")

    code, result, stderr = _deploy(
        lab, images, "--digest", _digest(lab, images, broken), "--to", f"container={web}"
    )

    assert code == 11, stderr
    (entry,) = result["targets"]
    assert entry["status"] == "rolled_back", entry
    assert "health" in entry["reason"]
    assert _image_of(lab, web) == v1
    assert lab.client.api.inspect_container(web)["State"]["Running"]


def test_a_malformed_digest_is_one_line(lab: Lab, images: Images) -> None:
    code, result, stderr = _deploy(lab, images, "--digest", "sha256:12", "--to", "container=x")
    assert code == 2
    assert result == {}
    assert stderr.strip().splitlines() == [
        "dockyard: error: 'sha256:12' is not a digest (sha256: and 64 hex digits)"
    ]


def test_a_stopped_target_is_started_on_the_digest_unless_kept_stopped(
    lab: Lab, images: Images
) -> None:
    v1 = images.publish("v1")
    started = lab.run(images.ref(), "stopped", init=True)
    kept = lab.run(images.ref(), "kept", init=True)
    started.stop(timeout=1)
    kept.stop(timeout=1)
    v2 = images.publish("v2")
    digest = _digest(lab, images, v2)

    code, _, stderr = _deploy(lab, images, "--digest", digest, "--to", f"container={started.name}")
    assert code == 0, stderr
    state = lab.client.api.inspect_container(started.name)
    assert (state["Image"], state["State"]["Running"]) == (v2, True)

    code, _, stderr = _deploy(
        lab, images, "--digest", digest, "--keep-stopped", "--to", f"container={kept.name}"
    )
    assert code == 0, stderr
    state = lab.client.api.inspect_container(kept.name)
    assert (state["Image"], state["State"]["Running"]) == (v2, False)
    assert v1 != v2
