"""A realistic serve database for the dashboard's tests: two apps, builds in every state,
deployments with an earlier good one to restore, hostile commit text from a forge."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from dockyard.errors import DockyardError
from dockyard.serve import ServeConfig
from dockyard.serve._pipeline import Stage
from dockyard.serve._store import DeploymentStatus, Scope, Store
from dockyard.serve.dashboard import CommitInfo, token_sha256

READ_TOKEN = "dy_read_0123456789abcdef"
DEPLOY_TOKEN = "dy_deploy_0123456789abcdef"
HOSTILE_MESSAGE = '<script>alert("xss")</script> fix "><img src=x onerror=alert(1)>'
HOSTILE_AUTHOR = '"><img src=x onerror=alert(2)>'
DIGEST_OLD = "sha256:" + "a1" * 32
DIGEST_LIVE = "sha256:" + "b2" * 32
DIGEST_BLOG = "sha256:" + "c3" * 32
SHA_OLD = "1111111" + "0" * 33
SHA_LIVE = "2222222" + "0" * 33
SHA_GATE = "3333333" + "0" * 33
SHA_RUNNING = "4444444" + "0" * 33
SHA_BLOG = "5555555" + "0" * 33


def make_config(state_dir: Path) -> ServeConfig:
    return ServeConfig.model_validate(
        {
            "state_dir": str(state_dir),
            "apps": {
                "shop": {
                    "repo": "http://127.0.0.1:9418/shop.git",
                    "branch": "main",
                    "image": "127.0.0.1:5000/shop",
                    "policy": {"max_size_mb": 200},
                    "deploy": [{"container": "shop-web"}],
                },
                "blog": {
                    "repo": "http://127.0.0.1:9418/blog.git",
                    "branch": "release",
                    "image": "127.0.0.1:5000/blog",
                    "deploy": [{"container": "blog"}],
                },
            },
        }
    )


class MemoryCommits:
    """What the forge said about each commit (the tests' own)."""

    def __init__(self) -> None:
        self.known: dict[str, CommitInfo] = {}

    def add(self, sha: str, message: str, author: str, branch: str | None = "main") -> None:
        self.known[sha] = CommitInfo(sha=sha, message=message, author=author, branch=branch)

    def commit(self, app: str, sha: str) -> CommitInfo | None:
        return self.known.get(sha)


def _targets(name: str, status: str = "updated") -> list[dict[str, object]]:
    return [
        {
            "target": {"container": name},
            "name": name,
            "status": status,
            "old_image": None,
            "new_image": None,
            "reason": None,
        }
    ]


@dataclass
class RecordingActions:
    """The dashboard's actions, recorded; a rollback puts the chosen deployment's digest live
    again in the store, as the real pipeline's rollback records it."""

    store: Store
    calls: list[tuple[str, str, int | None]] = field(default_factory=list)
    refuse: str | None = None

    def deploy_now(self, app: str) -> str:
        self.calls.append(("deploy", app, None))
        if self.refuse:
            raise DockyardError(self.refuse)
        return f"queued a build of {app}'s branch head"

    def rollback(self, app: str, deployment_id: int | None) -> str:
        self.calls.append(("rollback", app, deployment_id))
        if self.refuse:
            raise DockyardError(self.refuse)
        chosen = self.store.get_deployment(deployment_id) if deployment_id else None
        if chosen is None:
            raise DockyardError(f"no deployment #{deployment_id} of {app}")
        self.store.add_deployment(
            app=app,
            build_id=chosen.build_id,
            commit=chosen.commit,
            digest=chosen.digest,
            targets=_targets("shop-web"),
            status=DeploymentStatus.LIVE,
            reason=f"rolled back by hand to deployment #{chosen.id}",
            now=time.time(),
        )
        return f"rolled {app} back to {chosen.digest[:19]}"


@dataclass(frozen=True)
class Seeded:
    running_build: int
    gate_build: int
    live_build: int
    old_deployment: int
    live_deployment: int


# The live build's layers, as the pipeline keeps them (dockyard.image.LayerSummary.as_json()).
LIVE_LAYERS: dict[str, object] = {
    "size_bytes": 121_900_000,
    "efficiency": 0.9731,
    "wasted_bytes": 3_200_000,
    "base_image": "python:3.11-slim",
    "layers": [
        {"command": "/bin/sh -c #(nop) ADD file:4b03 in / ", "size_bytes": 74_800_000,
         "empty": False, "base": True},
        {"command": "/bin/sh -c #(nop)  CMD [\"bash\"]", "size_bytes": 0, "empty": True,
         "base": True},
        {"command": "RUN /bin/sh -c pip install -r requirements.txt # buildkit",
         "size_bytes": 47_000_000, "empty": False, "base": False},
        {"command": 'RUN /bin/sh -c echo "<script>alert(1)</script>" > /x # buildkit',
         "size_bytes": 100_000, "empty": False, "base": False},
    ],
}  # fmt: skip


def seed(store: Store, commits: MemoryCommits, *, now: float | None = None) -> Seeded:
    at = time.time() if now is None else now
    store.add_token(name="viewer", scope=Scope.READ, sha256=token_sha256(READ_TOKEN), now=at)
    store.add_token(name="ops", scope=Scope.DEPLOY, sha256=token_sha256(DEPLOY_TOKEN), now=at)
    commits.add(SHA_OLD, "Add the basket page\n\nLonger body.", "Ada Lovelace")
    commits.add(SHA_LIVE, HOSTILE_MESSAGE, HOSTILE_AUTHOR, branch='main"><b>x</b>')
    commits.add(SHA_GATE, "Switch the base image to full debian", "Grace Hopper")
    commits.add(SHA_RUNNING, "Cache the product list", "Linus T.")
    commits.add(SHA_BLOG, "New post: shipping on Fridays", "Margaret H.")

    def build(
        app: str,
        sha: str,
        stage: Stage,
        *,
        ago: float,
        took: float | None,
        digest: str | None = None,
        size: int | None = None,
        reason: str | None = None,
        findings: list[dict[str, object]] | None = None,
    ) -> int:
        build_id = store.add_build(
            app=app, commit=sha, trigger="webhook", delivery_id=None, now=at - ago
        )
        store.set_stage(build_id, Stage.BUILDING, reason=None, now=at - ago + 1)
        if digest is not None and size is not None:
            store.set_built(build_id, digest=digest, size_bytes=size, findings=findings or [])
        if stage is not Stage.BUILDING:
            store.set_stage(build_id, stage, reason=reason, now=at - ago + 1 + (took or 0))
        return build_id

    warn = [
        {
            "path": "Dockerfile",
            "line": 4,
            "code": "DL3008",
            "severity": "warning",
            "message": "Pin versions in apt get install",
        }
    ]
    old = build("shop", SHA_OLD, Stage.LIVE, ago=7200, took=64, digest=DIGEST_OLD, size=118_400_000)
    live = build(
        "shop",
        SHA_LIVE,
        Stage.LIVE,
        ago=3600,
        took=58,
        digest=DIGEST_LIVE,
        size=121_900_000,
        findings=warn,
    )
    for line in ("building http://127.0.0.1:9418/shop.git at 2222222", "  | #1 DONE 0.1s"):
        store.add_log(live, line)
    store.set_layers(live, LIVE_LAYERS)
    gate = build(
        "shop",
        SHA_GATE,
        Stage.FAILED,
        ago=1800,
        took=71,
        reason="gate: size 240.2 MB is over the limit of 200 MB; nothing was pushed",
    )
    running = build("shop", SHA_RUNNING, Stage.BUILDING, ago=20, took=None)
    for line in ("building http://127.0.0.1:9418/shop.git at 4444444", "  | #1 [internal] load"):
        store.add_log(running, line)
    blog = build(
        "blog", SHA_BLOG, Stage.LIVE, ago=86400 * 2, took=30, digest=DIGEST_BLOG, size=45_000_000
    )
    old_dep = store.add_deployment(
        app="shop",
        build_id=old,
        commit=SHA_OLD,
        digest=DIGEST_OLD,
        targets=_targets("shop-web"),
        status=DeploymentStatus.LIVE,
        reason=None,
        now=at - 7100,
    )
    live_dep = store.add_deployment(
        app="shop",
        build_id=live,
        commit=SHA_LIVE,
        digest=DIGEST_LIVE,
        targets=_targets("shop-web"),
        status=DeploymentStatus.LIVE,
        reason=None,
        now=at - 3500,
    )
    store.add_deployment(
        app="blog",
        build_id=blog,
        commit=SHA_BLOG,
        digest=DIGEST_BLOG,
        targets=_targets("blog"),
        status=DeploymentStatus.LIVE,
        reason=None,
        now=at - 86000 * 2,
    )
    return Seeded(
        running_build=running,
        gate_build=gate,
        live_build=live,
        old_deployment=old_dep,
        live_deployment=live_dep,
    )
