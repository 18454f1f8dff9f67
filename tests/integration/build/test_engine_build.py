"""The engine layer's build on the real engine, both builders: BuildKit and the classic fallback."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from dockyard.engine import BuildEvent, BuildRequest, Engine, build_image, write_context_tar
from dockyard.errors import BuildError
from tests.conftest import TestEnv


def _context(tmp_path: Path, dockerfile: str) -> Path:
    (tmp_path / "ctx").mkdir()
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
