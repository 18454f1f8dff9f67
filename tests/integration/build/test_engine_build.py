"""The engine layer's build on the real engine, both builders: BuildKit and the classic fallback."""

from __future__ import annotations

import contextlib
from pathlib import Path

import docker
import docker.errors
import pytest

from dockyard.engine import (
    BuildEvent,
    BuildRequest,
    Engine,
    build_image,
    image_info,
    write_context_tar,
)
from dockyard.errors import BuildError
from tests.conftest import TestEnv


def _context(tmp_path: Path, dockerfile: str) -> Path:
    (tmp_path / "ctx").mkdir(parents=True)
    (tmp_path / "ctx" / "Dockerfile").write_text(dockerfile)
    (tmp_path / "ctx" / "data.txt").write_text("context file\n")
    tar = tmp_path / "ctx.tar"
    with open(tar, "wb") as handle:
        write_context_tar(context_dir=tmp_path / "ctx", destination=handle)
    return tar


@pytest.mark.parametrize("buildkit", [True, False])
def test_both_builders_build_tag_and_label(
    tmp_path: Path,
    test_env: TestEnv,
    docker_client: docker.DockerClient,
    unique: str,
    buildkit: bool,
) -> None:
    tag = f"dockyard-engine-build-{unique}:1"
    tar = _context(
        tmp_path,
        f'FROM {test_env.busybox}\nCOPY data.txt /data.txt\nRUN echo "step output"\n'
        'CMD ["cat", "/data.txt"]\n',
    )
    events: list[BuildEvent] = []
    try:
        with Engine() as engine:
            built = build_image(
                engine,
                request=BuildRequest(context_tar=tar, tags=(tag,), labels={"t": unique}),
                on_event=events.append,
                buildkit=buildkit,
            )
        assert built.builder == ("buildkit" if buildkit else "classic")
        image = docker_client.images.get(tag)
        assert image.id == built.id
        assert image.labels["t"] == unique
        output = docker_client.containers.run(tag, remove=True, network_mode="none")
        assert output == b"context file\n"
        assert any(e.kind == "step" for e in events)
    finally:
        docker_client.images.remove(tag, force=True)


@pytest.mark.parametrize("buildkit", [True, False])
def test_both_builders_report_a_failure_with_its_output(
    tmp_path: Path, test_env: TestEnv, buildkit: bool
) -> None:
    tar = _context(tmp_path, f"FROM {test_env.busybox}\nRUN echo before-failure; exit 4\n")
    with Engine() as engine, pytest.raises(BuildError) as caught:
        build_image(engine, request=BuildRequest(context_tar=tar), buildkit=buildkit)
    assert "before-failure" in caught.value.log_tail
    assert "4" in caught.value.message


def test_a_build_that_moves_a_tag_keeps_the_image_a_container_runs_inspectable(
    tmp_path: Path, test_env: TestEnv, docker_client: docker.DockerClient, unique: str
) -> None:
    """A redeploy tells the container's own settings from its old image's defaults; on the
    containerd store a build naming the tag itself dropped that image (its CMD became the
    container's, and the new image's CMD never ran)."""
    tag = f"dockyard-engine-retag-{unique}:main"
    # images of their own (a LABEL of this run): an image left by another run is no test
    base = f"FROM {test_env.busybox}\nLABEL run={unique}\n"
    first = _context(tmp_path / "one", base + 'CMD ["sleep", "3600"]\n')
    second = _context(tmp_path / "two", base + 'CMD ["sleep", "3601"]\n')
    container = None
    try:
        with Engine() as engine:
            old = build_image(engine, request=BuildRequest(context_tar=first, tags=(tag,)))
            container = docker_client.containers.run(tag, name=f"dy-retag-{unique}", detach=True)
            new = build_image(engine, request=BuildRequest(context_tar=second, tags=(tag,)))
            kept = image_info(engine, ref=str(container.attrs["Image"]))
            moved = image_info(engine, ref=tag)
        assert kept is not None, "the image the container runs is gone"
        assert kept.config["Cmd"] == ["sleep", "3600"]
        assert moved is not None
        assert (moved.id, moved.config["Cmd"]) == (new.id, ["sleep", "3601"])
        assert old.id != new.id
    finally:
        if container is not None:
            container.remove(force=True)
        for ref in (tag,):
            with contextlib.suppress(docker.errors.APIError):
                docker_client.images.remove(ref, force=True)
