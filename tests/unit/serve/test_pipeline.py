"""run_pipeline and run_rollback with an in-memory builder, deployer and sink: what each stage
reports, where each failure stops, and the watch window's rollback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dockyard.build import BuildOptions, BuildOutcome
from dockyard.deploy import DeployResult, Health, Target, TargetResult, TargetStatus
from dockyard.errors import BuildError, EngineError, ImageNotFound, RegistryError
from dockyard.image import LayerLine, LayerSummary
from dockyard.serve import App, BuildSecret, Policy
from dockyard.serve._pipeline import (
    ImageFacts,
    PipelineContext,
    Stage,
    deploy_reference,
    previous_digest,
    run_pipeline,
    run_rollback,
)

COMMIT = "0123456789abcdef0123456789abcdef01234567"
NEW = "sha256:" + "1" * 64
OLD = "sha256:" + "0" * 64
OLD_ID = "sha256:" + "a" * 64
WEB = Target.parse({"container": "web"})
GOOD_DOCKERFILE = "FROM local/busybox:1\nUSER 1000\n"


@dataclass
class FakeSink:
    events: list[tuple[str, Any]] = field(default_factory=list)

    def stage(self, stage: Stage, *, reason: str | None = None) -> None:
        self.events.append(("stage", (stage, reason)))

    def log(self, line: str) -> None:
        self.events.append(("log", line))

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
        self.events.append(("built", (digest, size_bytes, findings)))
        self.events.append(("layers", layers))

    def deployed(
        self, *, digest: str, targets: list[dict[str, object]], status: str, reason: str | None
    ) -> None:
        self.events.append(("deployed", (digest, status, reason, targets)))

    def rollback_target(self, digest: str) -> None:
        self.events.append(("rollback_target", digest))

    @property
    def stages(self) -> list[Stage]:
        return [value[0] for kind, value in self.events if kind == "stage"]

    @property
    def final_reason(self) -> str | None:
        reason: str | None = [v for k, v in self.events if k == "stage"][-1][1]
        return reason

    @property
    def logs(self) -> list[str]:
        return [value for kind, value in self.events if kind == "log"]

    def of(self, kind: str) -> list[Any]:
        return [value for k, value in self.events if k == kind]


@dataclass
class FakeBuilder:
    dockerfile: str = GOOD_DOCKERFILE
    user: str = "1000"
    size: int = 2_000_000
    fail: dict[str, Exception] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    options: BuildOptions | None = None
    closed: bool = False

    def _step(self, name: str) -> None:
        self.calls.append(name)
        if name in self.fail:
            raise self.fail[name]

    def check_push_access(self, repository: str) -> None:
        self._step("access")

    def build(self, options: BuildOptions, *, say: Any) -> BuildOutcome:
        self._step("build")
        self.options = options
        say("=> [1/1] FROM local/busybox:1")
        tags = (*options.tags, f"sha-{COMMIT[:7]}")
        return BuildOutcome(
            image=options.image,
            tags=tags,
            digest=None,
            revision=COMMIT,
            size_bytes=self.size,
            duration_s=1.0,
            skipped=False,
            image_id="sha256:" + "b" * 64,
            dockerfile=self.dockerfile,
        )

    def dockerfile_at(self, repo: str, *, revision: str, path: str) -> str:
        self._step("dockerfile_at")
        return self.dockerfile

    def image_facts(self, reference: str) -> ImageFacts:
        self._step("inspect")
        return ImageFacts(user=self.user, size_bytes=self.size)

    def image_layers(self, reference: str) -> LayerSummary:
        self._step("layers")
        return LayerSummary(
            layers=(
                LayerLine("/bin/sh -c #(nop) ADD file:1 in /", 1_900_000, empty=False, base=True),
                LayerLine("USER 1000", 0, empty=True, base=False),
            ),
            size_bytes=1_900_000,
            efficiency=1.0,
            wasted_bytes=0,
            base_image="local/busybox:1",
        )

    def push(self, *, repository: str, tags: tuple[str, ...], say: Any) -> tuple[str, int]:
        self._step("push")
        return NEW, 1234

    def repo_digests(self, image_id: str, *, repository: str) -> list[str]:
        return [f"127.0.0.1:5000/web@{OLD}"] if image_id == OLD_ID else []

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeDeployer:
    """Deploys by decree; health answers from a script of samples (the last one repeats)."""

    statuses: dict[str, TargetStatus] = field(default_factory=dict)  # digest -> status
    health_script: list[list[Health]] = field(default_factory=list)
    deploys: list[tuple[str, str]] = field(default_factory=list)
    running: str = OLD

    def deploy(self, targets: Sequence[Target], *, image: str, digest: str) -> DeployResult:
        self.deploys.append((image, digest))
        status = self.statuses.get(digest, TargetStatus.UPDATED)
        old = OLD_ID if self.running == OLD else "sha256:" + "c" * 64
        if status is TargetStatus.UPDATED:
            self.running = digest
        results = tuple(
            TargetResult(t, t.value, status, old_image=old, new_image="sha256:new",
                         reason=None if status is TargetStatus.UPDATED else "it said no")
            for t in targets
        )  # fmt: skip
        return DeployResult(image=image, digest=digest, results=results)

    def health(self, targets: Sequence[Target]) -> list[Health]:
        if len(self.health_script) > 1:
            return self.health_script.pop(0)
        return self.health_script[0] if self.health_script else [fine()]


@dataclass
class FakeClock:
    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def fine(restarts: int = 0, *, running: bool = True) -> Health:
    return Health(WEB, "web", running, None, restarts, "sha256:new")


def app(**changes: Any) -> App:
    values: dict[str, Any] = {
        "name": "web",
        "repo": "https://git.example/web.git",
        "image": "127.0.0.1:5000/web",
        "deploy": [{"container": "web"}],
        "watch_window": timedelta(seconds=10),
    }
    values.update(changes)
    return App(**values)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def context(
    tmp_path: Path, builder: FakeBuilder, deployer: FakeDeployer | None, clock: FakeClock
) -> PipelineContext:
    def no_engine() -> Any:
        raise AssertionError("the fakes stand in for the engine")

    return PipelineContext(
        engine=no_engine,
        work_dir=tmp_path,
        deployer=deployer,
        builder=lambda _context: builder,
        watch_interval_s=2.0,
        clock=clock,
        sleep=clock.sleep,
    )


def test_a_good_commit_goes_live_through_every_stage(tmp_path: Path, clock: FakeClock) -> None:
    sink, builder, deployer = FakeSink(), FakeBuilder(), FakeDeployer()
    final = run_pipeline(
        app(), commit=COMMIT, sink=sink, context=context(tmp_path, builder, deployer, clock)
    )
    assert final is Stage.LIVE
    assert sink.stages == [Stage.BUILDING, Stage.GATING, Stage.PUSHING, Stage.DEPLOYING,
                           Stage.WATCHING, Stage.LIVE]  # fmt: skip
    assert builder.calls == ["access", "build", "inspect", "layers", "push"]
    assert sink.of("built") == [(NEW, 1234, [])]
    ((layers,),) = [sink.of("layers")]
    assert layers["base_image"] == "local/busybox:1"
    assert [row["command"] for row in layers["layers"]][1] == "USER 1000"
    assert "1 layers, 0 bytes wasted (efficiency 100.0%)" in sink.logs
    ((digest, status, reason, targets),) = sink.of("deployed")
    assert (digest, status, reason) == (NEW, "live", None)
    assert targets[0]["status"] == "updated"
    assert deployer.deploys == [("127.0.0.1:5000/web:main", NEW)]
    assert "=> [1/1] FROM local/busybox:1" in sink.logs
    assert sum(clock.slept) >= 10  # the window was waited out, by the injected clock
    assert builder.closed


def test_the_commit_is_built_exactly_with_the_apps_settings(
    tmp_path: Path, clock: FakeClock
) -> None:
    builder = FakeBuilder()
    configured = app(context="svc", dockerfile="Dockerfile.prod", build_args={"V": "1"},
                     image="127.0.0.1:5000/web:latest", branch="feature/x")  # fmt: skip
    run_pipeline(configured, commit=COMMIT, sink=FakeSink(),
                 context=context(tmp_path, builder, FakeDeployer(), clock))  # fmt: skip
    assert builder.options == BuildOptions(
        source="https://git.example/web.git",
        image="127.0.0.1:5000/web",
        ref=COMMIT,
        file="svc/Dockerfile.prod",
        context="svc",
        tags=("feature-x", "latest"),
        build_args={"V": "1"},
        push=False,
    )


@pytest.mark.parametrize(
    ("step", "error", "stages", "reason"),
    [
        ("access", RegistryError("push to 127.0.0.1:5000/web refused"), [Stage.BUILDING],
         "push to 127.0.0.1:5000/web refused"),
        ("build", BuildError("the build failed at [2/3]: exit code 1", log_tail=["boom"]),
         [Stage.BUILDING], "the build failed at [2/3]: exit code 1"),
        ("inspect", EngineError("the engine went away"), [Stage.BUILDING, Stage.GATING],
         "the engine went away"),
        ("push", RegistryError("blob upload failed"),
         [Stage.BUILDING, Stage.GATING, Stage.PUSHING], "blob upload failed"),
    ],
)  # fmt: skip
def test_a_failure_at_each_stage_ends_in_failed_with_its_line(
    tmp_path: Path,
    clock: FakeClock,
    step: str,
    error: Exception,
    stages: list[Stage],
    reason: str,
) -> None:
    sink, builder, deployer = FakeSink(), FakeBuilder(fail={step: error}), FakeDeployer()
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, builder, deployer, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.stages == [*stages, Stage.FAILED]
    assert sink.final_reason == reason
    assert deployer.deploys == []
    assert sink.of("deployed") == []
    assert builder.closed


def test_layers_that_cannot_be_read_are_a_log_line_and_the_build_goes_on(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    builder = FakeBuilder(fail={"layers": ImageNotFound("no image sha256:bbbb in the engine")})
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, builder, FakeDeployer(), clock))  # fmt: skip
    assert final is Stage.LIVE
    assert sink.of("layers") == [None]
    assert "layers not read: no image sha256:bbbb in the engine" in sink.logs


def test_a_build_failure_shows_the_tail_of_its_log(tmp_path: Path, clock: FakeClock) -> None:
    sink = FakeSink()
    builder = FakeBuilder(fail={"build": BuildError("the build failed", log_tail=["boom"])})
    run_pipeline(app(), commit=COMMIT, sink=sink,
                 context=context(tmp_path, builder, None, clock))  # fmt: skip
    assert "  | boom" in sink.logs


def test_an_unexpected_error_is_a_failed_run_not_an_exception(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    builder = FakeBuilder(fail={"push": KeyError("digest")})
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, builder, None, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.final_reason == "unexpected error: KeyError: 'digest'"


@pytest.mark.parametrize(
    ("builder", "policy", "reason"),
    [
        (FakeBuilder(user=""), Policy(), "gate: runs as root (no USER)"),
        (FakeBuilder(user="0:0"), Policy(), "gate: runs as root (user '0:0')"),
        (FakeBuilder(size=50_000_000), Policy(max_size_mb=10), "gate: size 50.0 MB"),
        (FakeBuilder(dockerfile="FROM local/busybox:1\nUSER 1000\nRUN sudo ls\n"), Policy(),
         "gate: lint: 1 finding(s) at or above error"),
    ],
)  # fmt: skip
def test_a_failed_gate_stops_before_the_push(
    tmp_path: Path, clock: FakeClock, builder: FakeBuilder, policy: Policy, reason: str
) -> None:
    sink, deployer = FakeSink(), FakeDeployer()
    final = run_pipeline(app(policy=policy), commit=COMMIT, sink=sink,
                         context=context(tmp_path, builder, deployer, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.stages == [Stage.BUILDING, Stage.GATING, Stage.FAILED]
    assert sink.final_reason is not None
    assert sink.final_reason.startswith(reason)
    assert sink.final_reason.endswith("; nothing was pushed")
    assert "push" not in builder.calls
    assert sink.of("built") == []
    assert deployer.deploys == []


def test_lint_findings_below_the_threshold_pass_and_reach_the_record(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    builder = FakeBuilder(dockerfile="FROM local/busybox:1\nUSER 1000\nRUN cd /tmp && true\n")
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, builder, FakeDeployer(), clock))  # fmt: skip
    assert final is Stage.LIVE
    ((_digest, _size, findings),) = sink.of("built")
    assert [(f["code"], f["severity"], f["line"]) for f in findings] == [("DL3003", "warning", 3)]
    assert any(line.startswith("lint Dockerfile:3 DL3003 warning:") for line in sink.logs)


def test_an_unchanged_build_reads_the_dockerfile_at_the_commit(
    tmp_path: Path, clock: FakeClock
) -> None:
    builder = FakeBuilder()

    def build_skipped(options: BuildOptions, *, say: Any) -> BuildOutcome:
        builder.calls.append("build")
        return BuildOutcome(options.image, ("main",), None, COMMIT, 1, 0.0, True, "sha256:b")

    builder.build = build_skipped  # type: ignore[method-assign]
    final = run_pipeline(app(), commit=COMMIT, sink=FakeSink(),
                         context=context(tmp_path, builder, FakeDeployer(), clock))  # fmt: skip
    assert final is Stage.LIVE
    assert builder.calls == ["access", "build", "dockerfile_at", "inspect", "layers", "push"]


def test_build_secrets_are_read_and_handed_to_the_build_as_secrets(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPM_TOKEN", "npm-token-value")
    (tmp_path / "pip.conf").write_text("pip-secret-value\n")
    sink, builder = FakeSink(), FakeBuilder()
    configured = app(secrets=[BuildSecret(id="npm", env="NPM_TOKEN"),
                              BuildSecret(id="pip", file=tmp_path / "pip.conf")])  # fmt: skip
    final = run_pipeline(configured, commit=COMMIT, sink=sink,
                         context=context(tmp_path, builder, FakeDeployer(), clock))  # fmt: skip
    assert final is Stage.LIVE
    assert builder.options is not None
    assert {k: v.reveal() for k, v in builder.options.secrets.items()} == {
        "npm": "npm-token-value",
        "pip": "pip-secret-value",
    }
    assert builder.options.build_args == {}
    assert not any("secret-value" in line or "token-value" in line for line in sink.logs)


def test_a_missing_build_secret_fails_in_one_line_before_any_build(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NPM_TOKEN", raising=False)
    sink, builder = FakeSink(), FakeBuilder()
    configured = app(secrets=[BuildSecret(id="npm", env="NPM_TOKEN")])
    final = run_pipeline(configured, commit=COMMIT, sink=sink,
                         context=context(tmp_path, builder, FakeDeployer(), clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.stages == [Stage.BUILDING, Stage.FAILED]
    assert sink.final_reason == "build secret npm: environment variable NPM_TOKEN is not set"
    assert "build" not in builder.calls


def test_a_failed_deploy_ends_failed_with_each_targets_line(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    deployer = FakeDeployer(statuses={NEW: TargetStatus.FAILED})
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.stages[-2:] == [Stage.DEPLOYING, Stage.FAILED]
    assert sink.final_reason == "deploy: container web: failed: it said no"
    assert [(d, s) for d, s, _r, _t in sink.of("deployed")] == [(NEW, "failed")]


def test_a_deploy_the_core_rolled_back_ends_rolled_back(tmp_path: Path, clock: FakeClock) -> None:
    sink = FakeSink()
    deployer = FakeDeployer(statuses={NEW: TargetStatus.ROLLED_BACK})
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.ROLLED_BACK
    assert [(d, s) for d, s, _r, _t in sink.of("deployed")] == [(NEW, "rolled_back")]
    assert Stage.WATCHING not in sink.stages


def test_deploy_targets_without_a_deployer_fail_before_deploying(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), None, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.final_reason == "app web has deploy targets but no deployer is set up"
    assert sink.of("built")  # the image was pushed: the record keeps its digest


def test_no_deploy_targets_means_built_and_pushed_only(tmp_path: Path, clock: FakeClock) -> None:
    sink = FakeSink()
    final = run_pipeline(app(deploy=[]), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), None, clock))  # fmt: skip
    assert final is Stage.LIVE
    assert sink.final_reason == "no deploy targets: built and pushed only"


def test_a_restart_inside_the_window_rolls_back_to_the_previous_digest(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    deployer = FakeDeployer(health_script=[[fine()], [fine()], [fine(restarts=1)]])
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.ROLLED_BACK
    assert deployer.deploys == [("127.0.0.1:5000/web:main", NEW), ("127.0.0.1:5000/web:main", OLD)]
    assert deployer.running == OLD
    assert sink.stages[-2:] == [Stage.WATCHING, Stage.ROLLED_BACK]
    assert sink.final_reason == (
        f"web restarted 1 time(s) 4 s into the watch window; rolled back to {OLD}"
    )
    ((digest, status, reason, targets),) = sink.of("deployed")  # one record, its final word
    assert (digest, status, reason) == (NEW, "rolled_back", sink.final_reason)
    assert targets[0]["status"] == "updated"  # where the digest went before it was undone
    # what the window goes back to is told before it opens: a resumed run still knows it
    kinds = [kind for kind, _ in sink.events if kind in ("rollback_target", "stage")]
    assert kinds[-3:] == ["rollback_target", "stage", "stage"]
    assert sink.of("rollback_target") == [OLD]


def test_the_callers_previous_digest_wins(tmp_path: Path, clock: FakeClock) -> None:
    chosen = "sha256:" + "9" * 64
    deployer = FakeDeployer(health_script=[[fine()], [fine(running=False)]])
    final = run_pipeline(app(), commit=COMMIT, sink=FakeSink(), previous=chosen,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.ROLLED_BACK
    assert deployer.deploys[-1] == ("127.0.0.1:5000/web:main", chosen)


def test_a_crash_with_no_previous_digest_fails_and_says_so(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    deployer = FakeDeployer(health_script=[[fine()], [fine(running=False)]], running="none")
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.final_reason == (
        "web is not running 2 s into the watch window; no previous digest to roll back to"
    )
    assert len(deployer.deploys) == 1
    assert [(d, s) for d, s, _r, _t in sink.of("deployed")] == [(NEW, "failed")]
    assert sink.of("rollback_target") == []


def test_a_failed_rollback_fails_the_run_with_both_reasons(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    deployer = FakeDeployer(
        statuses={OLD: TargetStatus.FAILED}, health_script=[[fine()], [fine(restarts=1)]]
    )
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.final_reason == (
        f"web restarted 1 time(s) 2 s into the watch window; the rollback to {OLD} failed too: "
        "container web: failed: it said no"
    )
    assert [(d, s) for d, s, _r, _t in sink.of("deployed")] == [(NEW, "failed")]


def test_run_rollback_deploys_the_given_digest(tmp_path: Path, clock: FakeClock) -> None:
    sink, deployer = FakeSink(), FakeDeployer(running=NEW)
    final = run_rollback(app(), digest=OLD, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.LIVE
    assert sink.stages == [Stage.DEPLOYING, Stage.LIVE]
    assert deployer.deploys == [("127.0.0.1:5000/web:main", OLD)]
    assert [(d, s) for d, s, _r, _t in sink.of("deployed")] == [(OLD, "live")]


def test_run_rollback_that_fails_is_failed(tmp_path: Path, clock: FakeClock) -> None:
    sink = FakeSink()
    deployer = FakeDeployer(statuses={OLD: TargetStatus.MISSING})
    final = run_rollback(app(), digest=OLD, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.final_reason == "deploy: container web: missing: it said no"


def test_deploy_reference_follows_the_images_tag_or_the_branch() -> None:
    assert deploy_reference(app()) == ("127.0.0.1:5000/web", "127.0.0.1:5000/web:main")
    assert deploy_reference(app(image="127.0.0.1:5000/web:stable")) == (
        "127.0.0.1:5000/web",
        "127.0.0.1:5000/web:stable",
    )
    assert deploy_reference(app(image="web", branch="release/1")) == ("web", "web:release-1")


def test_previous_digest_from_old_image_ids_and_digests() -> None:
    repo = "127.0.0.1:5000/web"
    by_id = TargetResult(WEB, "web", TargetStatus.UPDATED, old_image=OLD_ID)
    assert previous_digest([by_id], repository=repo, digests_of={OLD_ID: [f"{repo}@{OLD}"]}) == OLD
    other_repo = {OLD_ID: [f"elsewhere/web@{OLD}"]}
    assert previous_digest([by_id], repository=repo, digests_of=other_repo) is None
    service = TargetResult(WEB, "web", TargetStatus.UPDATED, old_image=OLD)
    assert previous_digest([service], repository=repo, digests_of={}) == OLD
    fresh = TargetResult(WEB, "web", TargetStatus.FRESH, old_image=OLD)
    assert previous_digest([fresh], repository=repo, digests_of={}) is None


def test_a_rollback_that_leaves_a_container_stopped_says_so(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    stopped = [fine(running=False)]
    deployer = FakeDeployer(health_script=[[fine()], stopped, stopped])
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.ROLLED_BACK
    assert sink.final_reason == (
        f"web is not running 2 s into the watch window; rolled back to {OLD} "
        "(web not running: start it by hand)"
    )


def test_health_that_cannot_be_read_in_the_window_fails_and_is_recorded(
    tmp_path: Path, clock: FakeClock
) -> None:
    sink = FakeSink()
    deployer = FakeDeployer()
    answers: list[list[Health]] = [[fine()]]

    def health(targets: Sequence[Target]) -> list[Health]:
        if answers:
            return answers.pop()
        raise EngineError("the engine stopped answering")

    deployer.health = health  # type: ignore[method-assign]
    final = run_pipeline(app(), commit=COMMIT, sink=sink,
                         context=context(tmp_path, FakeBuilder(), deployer, clock))  # fmt: skip
    assert final is Stage.FAILED
    assert sink.final_reason == "the engine stopped answering"
    assert [(d, s, r) for d, s, r, _t in sink.of("deployed")] == [
        (NEW, "failed", "the engine stopped answering")
    ]
