"""Cases copied to a temporary directory under a unique name; their images removed afterwards."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from dockyard.engine import Engine

CASES = Path(__file__).resolve().parents[3] / "bench" / "optimize_cases"


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine() as connected:
        yield connected


@pytest.fixture
def make_case(
    tmp_path: Path, unique: str, docker_client: docker.DockerClient
) -> Iterator[Callable[..., Path]]:
    """Copy a bench case (or write files) into ``tmp_path/case-<unique>``."""
    made: list[str] = []

    def make(case: str | None = None, files: dict[str, str] | None = None) -> Path:
        directory = tmp_path / f"case-{unique}-{len(made)}"
        if case is not None:
            shutil.copytree(CASES / case, directory)
        else:
            directory.mkdir()
        for name, text in (files or {}).items():
            (directory / name).write_text(text)
        made.append(directory.name)
        return directory

    yield make
    prefixes = tuple(f"dockyard-optimize/{name}" for name in made)  # also "<name>-hand"
    for image in docker_client.images.list():
        for tag in image.tags:
            if tag.startswith(prefixes):
                docker_client.images.remove(tag, force=True)
