"""run_pipeline on the real engine and registry, from a real git repository made here: a commit
built, gated, pushed and deployed to a real container; a root image stopped at the gate with
nothing pushed; an image that crashes inside the watch window rolled back to the previous digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import docker
import docker.errors
import httpx
import pytest

from dockyard.deploy import Deployer, DeploySettings
from dockyard.engine import Engine
from dockyard.serve import App, BuildSecret
from dockyard.serve._pipeline import PipelineContext, Stage, run_pipeline
from dockyard.update import ReplaceSettings
from tests.conftest import TestEnv
from tests.unit.build.gitrepo import commit, make_repo

MANIFESTS = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


@dataclass
class RecordingSink:
    stages: list[tuple[Stage, str | None]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    builds: list[dict[str, Any]] = field(default_factory=list)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    rollback_targets: list[str] = field(default_factory=list)

    def stage(self, stage: Stage, *, reason: str | None = None) -> None:
        self.stages.append((stage, reason))

    def log(self, line: str) -> None:
        self.lines.append(line)

    def built(
        self,
        *,
        digest: str,
        size_bytes: int,
        findings: list[dict[str, object]],
        subject: str = "",
        author: str = "",
        layers: Mapping[str, object] | None = None,
    ) -> None:
        self.builds.append(
            {"digest": digest, "size_bytes": size_bytes, "findings": findings, "layers": layers}
        )

    def deployed(
        self, *, digest: str, targets: list[dict[str, object]], status: str, reason: str | None
    ) -> None:
        self.deployments.append(
            {"digest": digest, "targets": targets, "status": status, "reason": reason}
        )

    def rollback_target(self, digest: str) -> None:
        self.rollback_targets.append(digest)

    @property
    def reason(self) -> str | None:
        return self.stages[-1][1]


@dataclass
class Lab:
    """The test's repository, image repository, container and engine; all removed afterwards."""

    test_env: TestEnv
    client: docker.DockerClient
    repo: Path
    image: str  # 127.0.0.1:5000/dockyard-serve-<unique>
    container: str
    state_dir: Path
    engine: Engine

    def app(self, *, deploy: bool = True, window_s: float = 4.0) -> App:
        return App(
            name="web",
            repo=str(self.repo),
            image=self.image,
            deploy=[{"container": self.container}] if deploy else [],
            watch_window=timedelta(seconds=window_s),
        )

    def context(self) -> PipelineContext:
        deployer = Deployer(
            engine=self.engine,
            settings=DeploySettings(
                state_dir=self.state_dir, replace=ReplaceSettings(confirm_seconds=1.0)
            ),
        )
        return PipelineContext(
            engine=Engine,
            work_dir=self.state_dir,
            deployer=deployer,
            network_mode="host",
            watch_interval_s=0.5,
        )

    def dockerfile(self, body: str, *, message: str) -> str:
        """Commit a Dockerfile ``FROM local/busybox:1`` + ``body``; the commit's sha."""
        text = f"FROM {self.test_env.busybox}\n{body}"
        return commit(self.repo, {"Dockerfile": text}, message=message)

    def registry_digest(self, tag: str) -> str | None:
        repository = self.image.split("/", 1)[1]
        response = httpx.head(
            f"http://{self.test_env.registry}/v2/{repository}/manifests/{tag}",
            headers={"Accept": MANIFESTS},
            timeout=10,
        )
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.headers["Docker-Content-Digest"]

    def start(self, tag: str = "main", *, restart: str = "no") -> None:
        self.client.containers.run(
            f"{self.image}:{tag}",
            name=self.container,
            detach=True,
            restart_policy={"Name": restart},
        )

    def running_digests(self) -> list[str]:
        """The registry digests of the image the container runs, and whether it runs."""
        container = self.client.containers.get(self.container)
        image = self.client.images.get(container.attrs["Image"])
        return [d.split("@", 1)[1] for d in image.attrs.get("RepoDigests") or []]

    def status(self) -> str:
        return str(self.client.containers.get(self.container).status)


@pytest.fixture
def lab(
    test_env: TestEnv, docker_client: docker.DockerClient, unique: str, tmp_path: Path
) -> Iterator[Lab]:
    repo = tmp_path / "web"
    make_repo(repo, {"README": "web\n"})
    engine = Engine()
    made = Lab(
        test_env=test_env,
        client=docker_client,
        repo=repo,
        image=f"{test_env.registry}/dockyard-serve-{unique}",
        container=f"dockyard-serve-web-{unique}",
        state_dir=tmp_path / "state",
        engine=engine,
    )
    yield made
    engine.close()
    for container in docker_client.containers.list(all=True):
        if container.name.startswith(made.container):
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
    for image in docker_client.images.list():
        for tag in [*image.tags, *(image.attrs.get("RepoDigests") or [])]:
            if tag.startswith(made.image + ":") or tag.startswith(made.image + "@"):
                with contextlib.suppress(docker.errors.APIError):
                    docker_client.images.remove(tag, force=True)


GOOD = 'USER 1000\nCMD ["sleep", "3600"]\n'


def test_a_commit_is_built_pushed_and_deployed_to_a_real_container(lab: Lab) -> None:
    first = lab.dockerfile(GOOD, message="v1")
    sink = RecordingSink()
    assert run_pipeline(lab.app(deploy=False), commit=first, sink=sink, context=lab.context()) \
        is Stage.LIVE, sink.stages  # fmt: skip
    old = sink.builds[0]["digest"]
    assert lab.registry_digest("main") == old
    lab.start()

    second = lab.dockerfile('LABEL version="2"\n' + GOOD, message="v2")
    commit(lab.repo, {"later.txt": "not this one\n"}, message="a later commit on the branch")
    sink = RecordingSink()
    final = run_pipeline(lab.app(), commit=second, sink=sink, context=lab.context())

    assert final is Stage.LIVE, sink.stages
    assert [s for s, _ in sink.stages] == [
        Stage.BUILDING, Stage.GATING, Stage.PUSHING, Stage.DEPLOYING, Stage.WATCHING, Stage.LIVE
    ]  # fmt: skip
    new = sink.builds[0]["digest"]
    assert new != old
    assert lab.registry_digest(f"sha-{second[:7]}") == new
    assert lab.registry_digest("main") == new
    assert sink.deployments[0]["status"] == "live"
    assert sink.deployments[0]["targets"][0]["status"] == "updated"
    assert new in lab.running_digests()
    assert lab.status() == "running"
    built = lab.client.images.get(f"{lab.image}:sha-{second[:7]}")
    assert built.labels["org.opencontainers.image.revision"] == second  # the commit, not the tip
    # The layers the build page shows: the engine's own history, one row per history entry.
    layers = sink.builds[0]["layers"]
    history = built.history()
    assert len(layers["layers"]) == len(history)
    made = [row for row in layers["layers"] if not row["empty"]]
    assert len(made) == len(built.attrs["RootFS"]["Layers"])
    assert sum(row["size_bytes"] for row in made) == layers["size_bytes"] > 0
    assert any("sleep" in row["command"] for row in layers["layers"])


def test_an_image_that_runs_as_root_fails_the_gate_and_pushes_nothing(lab: Lab) -> None:
    sha = lab.dockerfile('CMD ["sleep", "3600"]\n', message="no USER")
    sink = RecordingSink()
    final = run_pipeline(lab.app(), commit=sha, sink=sink, context=lab.context())
    assert final is Stage.FAILED
    assert [s for s, _ in sink.stages] == [Stage.BUILDING, Stage.GATING, Stage.FAILED]
    assert sink.reason == (
        "gate: runs as root (no USER): add a USER with a non-zero uid; nothing was pushed"
    )
    assert lab.registry_digest(f"sha-{sha[:7]}") is None
    assert lab.registry_digest("main") is None
    assert sink.builds == []
    assert sink.deployments == []


def test_an_image_that_crashes_inside_the_window_is_rolled_back(lab: Lab) -> None:
    first = lab.dockerfile(GOOD, message="v1")
    sink = RecordingSink()
    run_pipeline(lab.app(deploy=False), commit=first, sink=sink, context=lab.context())
    old = sink.builds[0]["digest"]
    lab.start(restart="on-failure")  # as services run: a crash shows as restarts
    old_image = lab.client.containers.get(lab.container).attrs["Image"]

    # Up long enough for the deploy's own health gate (1 s here), then down inside the window.
    crash = lab.dockerfile('USER 1000\nCMD ["sh", "-c", "sleep 3; exit 3"]\n', message="crash")
    sink = RecordingSink()
    final = run_pipeline(lab.app(window_s=15), commit=crash, sink=sink, context=lab.context())

    assert final is Stage.ROLLED_BACK, sink.stages
    new = sink.builds[0]["digest"]
    assert sink.reason is not None
    assert "restarted" in sink.reason
    assert sink.reason.endswith(f"rolled back to {old}")
    assert [d["status"] for d in sink.deployments] == ["rolled_back"]
    assert lab.status() == "running"
    assert lab.client.containers.get(lab.container).attrs["Image"] == old_image
    assert old in lab.running_digests()
    assert new not in lab.running_digests()


def test_build_secrets_reach_the_run_and_nothing_else(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "tok-" + uuid.uuid4().hex
    conf = "conf-" + uuid.uuid4().hex
    variable = "DOCKYARD_TEST_SECRET_" + uuid.uuid4().hex[:8].upper()
    monkeypatch.setenv(variable, token)
    (tmp_path / "conf.secret").write_text(conf)
    # BuildKit's cache key of a RUN leaves secrets out: a fresh ENV keeps an earlier run's
    # layer from being reused.
    sha = lab.dockerfile(
        f"ENV RUN_ID={uuid.uuid4().hex}\n"
        "RUN --mount=type=secret,id=token --mount=type=secret,id=conf "
        "sha256sum /run/secrets/token /run/secrets/conf > /hashes\n" + GOOD,
        message="uses secrets",
    )
    app = lab.app(deploy=False).model_copy(
        update={
            "secrets": [
                BuildSecret(id="token", env=variable),
                BuildSecret(id="conf", file=tmp_path / "conf.secret"),
            ]
        }
    )
    sink = RecordingSink()
    final = run_pipeline(app, commit=sha, sink=sink, context=lab.context())

    assert final is Stage.LIVE, sink.stages
    reference = f"{lab.image}:sha-{sha[:7]}"
    printed = lab.client.containers.run(reference, ["cat", "/hashes"], remove=True).decode()
    assert printed.split() == [
        hashlib.sha256(token.encode()).hexdigest(), "/run/secrets/token",
        hashlib.sha256(conf.encode()).hexdigest(), "/run/secrets/conf",
    ]  # fmt: skip
    image = lab.client.images.get(reference)
    seen = json.dumps([image.attrs, image.history(), sink.lines, sink.builds], default=str)
    assert token not in seen
    assert conf not in seen
    assert not any(token in str(reason) or conf in str(reason) for _, reason in sink.stages)


def test_a_retried_commit_is_not_rebuilt_and_is_gated_again(lab: Lab) -> None:
    sha = lab.dockerfile(GOOD, message="v1")
    first = RecordingSink()
    assert run_pipeline(lab.app(deploy=False), commit=sha, sink=first, context=lab.context()) \
        is Stage.LIVE, first.stages  # fmt: skip
    again = RecordingSink()
    final = run_pipeline(lab.app(deploy=False), commit=sha, sink=again, context=lab.context())
    assert final is Stage.LIVE, again.stages
    assert any(line.startswith("already built:") for line in again.lines)
    assert any(line.startswith("gate passed") for line in again.lines)  # the file was re-read
    assert again.builds[0]["digest"] == first.builds[0]["digest"]
