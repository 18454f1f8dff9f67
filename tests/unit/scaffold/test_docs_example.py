"""docs/init.md's full example is what `init` writes today, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

from dockyard.scaffold import (
    CiProvider,
    DeployTarget,
    InitOptions,
    detect_stack,
    plan_files,
    read_project,
)
from tests.unit.scaffold.conftest import SAMPLES

DOC = Path(__file__).parents[3] / "docs" / "init.md"


def test_the_full_example_matches_the_generator() -> None:
    example = DOC.read_text().split("## One full example", 1)[1].split("## How it is tested")[0]
    shown = dict(re.findall(r"^`([^`]+)`[^\n]*:\n\n```\w+\n(.*?)```", example, re.S | re.M))
    stack = detect_stack(read_project(SAMPLES / "python-pyproject"), dirname="python-pyproject")
    options = InitOptions(
        ci=CiProvider.GITHUB, deploy=DeployTarget.SERVE, compose=True, socket_gid=106
    )
    written = {item.path: item.text for item in plan_files(stack, options)}
    assert shown == written
