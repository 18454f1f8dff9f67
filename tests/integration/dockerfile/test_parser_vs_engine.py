"""The parser agrees with the engine's own Dockerfile frontend on what a Dockerfile means.

Each Dockerfile below is built by the real engine (classic syntax its 20.10 frontend knows:
continuations with comments and blank lines inside, the backtick escape directive, ENV and LABEL
in both forms, FROM resolved through global ARGs with defaults); the image's config is then
compared with what :func:`dockyard.dockerfile.parse` says the same text means.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import docker
import pytest

from dockyard.dockerfile import parse
from tests.conftest import TestEnv

CASES = {
    "continuations": (
        "ARG BASE={busybox}\n"
        "FROM ${{NOPE:-$BASE}}\n"
        "ENV A=1 \\\n"
        "    # a comment inside the continuation\n"
        "\n"
        '    B="two words" C=three\\ four\n'
        "ENV LEGACY value with  spaces\n"
        'LABEL "com.example.x"="y z" plain=1\n'
        "RUN echo built \\\n"
        "  && true\n"
    ),
    "backtick escape": (
        '# escape=`\nFROM {busybox}\nENV P=c:\\dir `\n    Q=joined R=`"q`"\nLABEL k=v\n'
    ),
}


@pytest.fixture
def built(
    docker_client: docker.DockerClient, test_env: TestEnv, unique: str
) -> Iterator[dict[str, tuple[str, dict[str, object]]]]:
    images: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        for name, template in CASES.items():
            text = template.format(busybox=test_env.busybox)
            tag = f"dockyard-test/parser-{unique}-{len(images)}"
            docker_client.images.build(
                fileobj=io.BytesIO(text.encode()), tag=tag, rm=True, network_mode="none"
            )
            config = docker_client.api.inspect_image(tag)["Config"]
            images[name] = (text, config)
        yield images
    finally:
        for index in range(len(CASES)):
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(f"dockyard-test/parser-{unique}-{index}", force=True)


def test_env_and_labels_match_the_engine(
    built: dict[str, tuple[str, dict[str, object]]],
) -> None:
    for name, (text, config) in built.items():
        df = parse(text)
        ours_env = {k: v for i in df.instructions if i.keyword == "ENV" for k, v in i.env_pairs()}
        engine_env = dict(item.split("=", 1) for item in config["Env"])  # type: ignore[union-attr]
        assert {k: engine_env[k] for k in ours_env} == ours_env, name
        ours_labels = {
            k: v for i in df.instructions if i.keyword == "LABEL" for k, v in i.env_pairs()
        }
        assert ours_labels.items() <= (config["Labels"] or {}).items(), name  # type: ignore[union-attr]


def test_from_resolution_matches_the_engine(
    built: dict[str, tuple[str, dict[str, object]]], test_env: TestEnv
) -> None:
    text, _ = built["continuations"]
    df = parse(text)
    assert df.stages[0].base_resolved == test_env.busybox
    assert [i.keyword for i in df.instructions] == ["ARG", "FROM", "ENV", "ENV", "LABEL", "RUN"]
