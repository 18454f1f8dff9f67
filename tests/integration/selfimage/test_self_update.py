"""dockyard watch updates its own container: the daemon, running from dockyard's image with the
host's Docker socket, sees a new image under its own tag, starts its successor and is removed by
it. A successor that cannot run is removed again and the old dockyard runs on under its name."""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
import pytest
from docker.models.containers import Container

from tests.conftest import EngineUnderTest
from tests.integration.selfimage.conftest import SelfImage
from tests.integration.update.conftest import wait_for

# Where the README mounts the engine's socket inside dockyard's container, whatever its path on
# the host (engine 28's is not the default one).
SOCKET_IN_CONTAINER = "/var/run/docker.sock"
TEMP_MARK = "-dockyard-old-"


@dataclass
class Deployment:
    client: docker.DockerClient
    ref: str  # the tag dockyard's container runs and watches
    name: str
    state: Path
    built: list[str] = field(default_factory=list)

    def containers(self) -> list[Container]:
        """Every container of this deployment, the one under the name and any set aside."""
        found = []
        for summary in self.client.api.containers(all=True, filters={"name": self.name}):
            # one may be removed between the list and its inspect: the take-over itself does
            with contextlib.suppress(docker.errors.NotFound):
                found.append(self.client.containers.get(summary["Id"]))
        return [c for c in found if c.name == self.name or c.name.startswith(self.name + "-")]

    def current(self) -> Container | None:
        with contextlib.suppress(docker.errors.NotFound):
            return self.client.containers.get(self.name)
        return None

    def push(self, dockerfile_tail: str) -> str:
        """A new image under the watched tag, built on the running one; its id."""
        dockerfile = f"FROM {self.ref}\n{dockerfile_tail}\n"
        image, _ = self.client.images.build(
            fileobj=io.BytesIO(dockerfile.encode()), tag=self.ref, rm=True, network_mode="none"
        )
        self.built.append(str(image.id))
        self.client.images.push(self.ref)
        return str(image.id)

    def settled_on(self, image_id: str) -> Container | None:
        """The container under the name when it runs ``image_id`` and nothing is set aside."""
        current = self.current()
        if current is None or current.image.id != image_id or current.status != "running":
            return None
        return current if [c.name for c in self.containers()] == [self.name] else None


@pytest.fixture
def deployment(
    request: pytest.FixtureRequest,
    docker_client: docker.DockerClient,
    engine: EngineUnderTest,
    self_image: SelfImage,
    unique: str,
) -> Iterator[Deployment]:
    """dockyard's image pushed under a tag of its own, running `watch` on its own container."""
    ref = f"{self_image.repository}-watch-{unique}:stable"
    docker_client.images.get(f"{self_image.repository}:latest").tag(ref)
    docker_client.images.push(ref)
    # As the docs' compose file: a named volume on the image's state directory.
    volume = docker_client.volumes.create(f"dockyard-state-{unique}")
    deployed = Deployment(
        client=docker_client,
        ref=ref,
        name=f"dockyard-watch-{unique}",
        state=Path(volume.attrs["Mountpoint"]),
    )
    docker_client.containers.run(
        ref,
        name=deployed.name,
        command=["watch", deployed.name, "--interval", "2", "--confirm-seconds", "1"],
        volumes={
            engine.socket_path: {"bind": SOCKET_IN_CONTAINER, "mode": "rw"},
            volume.name: {"bind": "/var/lib/dockyard", "mode": "rw"},
        },
        group_add=[str(os.stat(engine.socket_path).st_gid)],
        network_mode="host",
        restart_policy={"Name": "unless-stopped"},
        labels={"dockyard.test": unique},
        environment=getattr(request, "param", {}),
        detach=True,
    )  # fmt: skip
    try:
        yield deployed
    finally:
        for container in deployed.containers():
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True)
        for image in [ref, *deployed.built]:  # never the session's own image: it is shared
            with contextlib.suppress(docker.errors.ImageNotFound, docker.errors.APIError):
                docker_client.images.remove(image, force=True)
        volume.remove(force=True)


def _logs(container: Container) -> str:
    return str(container.logs(stdout=True, stderr=True).decode(errors="replace"))


def _started(deployment: Deployment) -> Container:
    first = deployment.current()
    assert first is not None
    wait_for(lambda: "watching" in _logs(first), timeout=60, what="the watch daemon to start")
    return first


@dataclass
class TakeOver:
    first: Container
    successor: Container
    first_events: list[str]  # what the engine did to the old container, in order


def _push_and_take_over(deployment: Deployment, dockerfile_tail: str) -> TakeOver:
    """Push a new image under the watched tag; wait until its container alone runs, under the
    name, with the hand-over's journal closed."""
    first = _started(deployment)
    since = int(time.time()) - 1
    new_image = deployment.push(dockerfile_tail)
    successor = wait_for(
        lambda: deployment.settled_on(new_image), timeout=120, what="the successor to take over"
    )
    assert successor.id != first.id
    assert "took over from the old dockyard container" in _logs(successor)
    wait_for(
        lambda: not list((deployment.state / "journal").glob("*.jsonl")),
        timeout=30,
        what="the hand-over journal to be closed",
    )
    events = deployment.client.events(
        since=since, until=int(time.time()) + 1, filters={"container": first.id}, decode=True
    )
    actions = [e["Action"] for e in events if e.get("Type") == "container"]
    return TakeOver(first=first, successor=successor, first_events=actions)


def test_dockyard_replaces_its_own_container_with_the_new_image(deployment: Deployment) -> None:
    done = _push_and_take_over(deployment, 'LABEL dockyard.test.release="2"')

    # Same configuration, new image.
    old, new = done.first.attrs, done.successor.attrs
    assert new["Config"]["Cmd"] == old["Config"]["Cmd"]
    assert new["Config"]["Labels"]["dockyard.test"] == old["Config"]["Labels"]["dockyard.test"]
    assert new["Config"]["Labels"]["dockyard.test.release"] == "2"
    assert sorted(new["HostConfig"]["Binds"]) == sorted(old["HostConfig"]["Binds"])
    assert new["HostConfig"]["GroupAdd"] == old["HostConfig"]["GroupAdd"]
    assert new["HostConfig"]["NetworkMode"] == "host"
    assert new["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    # The successor ended the old one: killed and removed while it waited.
    actions = done.first_events
    assert actions.index("kill") < actions.index("die") < actions.index("destroy")
    # And watches on.
    wait_for(
        lambda: "1 checked, 1 fresh" in _logs(done.successor),
        timeout=30,
        what="the successor's first cycle",
    )
    assert deployment.current() == done.successor


def test_a_successor_that_cannot_run_is_rolled_back(deployment: Deployment) -> None:
    first = _started(deployment)

    deployment.push('ENTRYPOINT ["/bin/false"]')

    # The line comes once the rollback is over (the successor removed, the journal closed).
    wait_for(lambda: "kept the running dockyard" in _logs(first), timeout=150, what="the rollback")
    assert [c.name for c in deployment.containers()] == [deployment.name]
    current = deployment.current()
    assert current is not None
    assert current.id == first.id
    assert current.status == "running"
    assert not list((deployment.state / "journal").glob("*.jsonl"))


@pytest.mark.parametrize("deployment", [{"DOCKYARD_TEST_CRASH_AT": "handoff.done"}], indirect=True)
def test_killed_right_after_starting_its_successor_the_successor_takes_over(
    deployment: Deployment,
) -> None:
    """SIGKILL of the old dockyard once its successor runs: the successor still takes over,
    and nothing is left under a temporary name."""
    done = _push_and_take_over(deployment, 'LABEL dockyard.test.release="3"')

    # The old one died by itself (no kill before its death), not by the successor's removal.
    actions = done.first_events
    assert "die" in actions
    assert "kill" not in actions[: actions.index("die")]
