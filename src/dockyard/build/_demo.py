"""``dockyard demo``: the main job on a sample repository, through the same code as ``build``.

It makes a small git repository in a temporary directory (an app on a local base image, with a
``RUN --mount`` cache and a heredoc so both BuildKit features are exercised), builds and pushes it
with :func:`dockyard.build.build_command`, runs the pushed image once and reports what happened.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from dockyard.build._command import build_command
from dockyard.build._pipeline import BuildOptions, BuildOutcome
from dockyard.errors import SourceError

__all__ = ["DemoResult", "run_demo"]

_DOCKERFILE = """\
ARG BASE_IMAGE=local/busybox:1
FROM ${BASE_IMAGE}
WORKDIR /app
COPY app.sh /app/app.sh
RUN --mount=type=cache,target=/var/cache/demo \\
    date -u +%Y-%m-%dT%H:%M:%SZ > /var/cache/demo/built-at \\
    && cp /var/cache/demo/built-at /app/built-at
RUN <<EOF
chmod 0755 /app/app.sh
echo "made by a heredoc RUN" > /app/heredoc.txt
EOF
USER 65534
CMD ["/app/app.sh"]
"""

_APP = """\
#!/bin/sh
echo "Hello from the dockyard demo!"
echo "cache step first ran at $(cat /app/built-at), $(cat /app/heredoc.txt), uid $(id -u)"
"""


@dataclass(frozen=True)
class DemoResult:
    outcome: BuildOutcome
    output: str
    repository_dir: str


def run_demo(
    *,
    registry: str,
    base: str,
    say: Callable[[str], None],
    console: Console,
    interactive: bool,
    environ: Mapping[str, str],
) -> DemoResult:
    with tempfile.TemporaryDirectory(prefix="dockyard-demo-") as tmp:
        repo = Path(tmp) / "demo-app"
        _make_repository(repo)
        say(f"sample repository: {repo} (a shell app on {base})")
        options = BuildOptions(
            source=repo.as_uri(),
            image=f"{registry}/dockyard-demo",
            build_args={"BASE_IMAGE": base},
            push=True,
        )
        outcome = build_command(
            options=options, say=say, console=console, interactive=interactive, environ=environ
        )
    say(f"running {outcome.image}@{outcome.digest} once")
    from dockyard.engine import Engine, run_image_once

    with Engine() as engine:
        output = run_image_once(engine, ref=f"{outcome.image}@{outcome.digest}")
    return DemoResult(outcome=outcome, output=output, repository_dir=str(repo))


def _make_repository(repo: Path) -> None:
    repo.mkdir(parents=True)
    (repo / "Dockerfile").write_text(_DOCKERFILE)
    (repo / "app.sh").write_text(_APP)
    (repo / "README.md").write_text("A sample app that `dockyard demo` builds and pushes.\n")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "dockyard demo",
        "GIT_AUTHOR_EMAIL": "demo@dockyard.invalid",
        "GIT_COMMITTER_NAME": "dockyard demo",
        "GIT_COMMITTER_EMAIL": "demo@dockyard.invalid",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "demo app"]):
        result = subprocess.run(
            ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SourceError(f"cannot create the demo repository: {result.stderr.strip()}")
