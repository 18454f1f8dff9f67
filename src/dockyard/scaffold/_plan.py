"""What ``init`` writes for a stack and a set of options: a pure decision, files as data."""

from __future__ import annotations

from dataclasses import dataclass

from dockyard.scaffold._ci import CiProvider, DeployTarget, ci_path, render_ci
from dockyard.scaffold._compose import render_compose
from dockyard.scaffold._detect import Stack, StackKind
from dockyard.scaffold._dockerfile import DEFAULT_PORTS, render_dockerfile, render_dockerignore

__all__ = ["GeneratedFile", "InitOptions", "plan_files"]


@dataclass(frozen=True)
class InitOptions:
    ci: CiProvider | None = None
    deploy: DeployTarget = DeployTarget.NONE
    compose: bool = False
    port: int | None = None  # None: the stack's usual port
    heroku_app: str | None = None  # None: the app's name
    socket_gid: int = 0  # the group of the engine's socket, for compose's group_add


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # relative to the project, posix
    text: str


def plan_files(stack: Stack, options: InitOptions) -> tuple[GeneratedFile, ...]:
    """Every file ``init`` writes, in the order it reports them."""
    port = options.port or DEFAULT_PORTS[stack.kind]
    files = [
        GeneratedFile("Dockerfile", render_dockerfile(stack, port=port)),
        GeneratedFile(".dockerignore", render_dockerignore(stack)),
    ]
    if options.ci is not None:
        text = render_ci(
            options.ci, options.deploy, app=stack.name, heroku_app=options.heroku_app or stack.name
        )
        files.append(GeneratedFile(ci_path(options.ci), text))
    if options.compose:
        text = render_compose(
            app=stack.name,
            port=port,
            socket_gid=options.socket_gid,
            health=stack.kind is not StackKind.GO,
        )
        files.append(GeneratedFile("compose.yaml", text))
    return tuple(files)
