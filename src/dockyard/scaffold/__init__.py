"""``dockyard init``: a Dockerfile, .dockerignore, CI workflow and compose file for a project.

Detection (:func:`detect_stack`) and the files to write (:func:`plan_files`) are pure functions
of the project's files and the options; :func:`read_project` and :func:`write_files` are the only
I/O, so the command is ``read -> detect -> plan -> write``. See docs/init.md.
"""

from __future__ import annotations

from dockyard.scaffold._ci import CiProvider, DeployTarget, ci_path, render_ci
from dockyard.scaffold._compose import WATCHTOWER_ENABLE_LABEL, render_compose
from dockyard.scaffold._detect import MARKER_FILES, Stack, StackKind, detect_stack, image_name
from dockyard.scaffold._dockerfile import (
    DEFAULT_PORTS,
    UID,
    render_dockerfile,
    render_dockerignore,
)
from dockyard.scaffold._files import existing_targets, read_project, socket_group, write_files
from dockyard.scaffold._plan import GeneratedFile, InitOptions, plan_files

__all__ = [
    "DEFAULT_PORTS",
    "MARKER_FILES",
    "UID",
    "WATCHTOWER_ENABLE_LABEL",
    "CiProvider",
    "DeployTarget",
    "GeneratedFile",
    "InitOptions",
    "Stack",
    "StackKind",
    "ci_path",
    "detect_stack",
    "existing_targets",
    "image_name",
    "plan_files",
    "read_project",
    "render_ci",
    "render_compose",
    "render_dockerfile",
    "render_dockerignore",
    "socket_group",
    "write_files",
]
