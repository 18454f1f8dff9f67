"""How DL rules read FROM references, RUN scripts, cache mounts and ONBUILD triggers (hadolint's
readings, which several rules share)."""

from __future__ import annotations

import pytest

from dockyard.dockerfile import parse
from dockyard.dockerfile.rules._base import onbuild_triggers, run_script
from dockyard.dockerfile.rules.dlbase import base_image, cache_mount_with, image_reference

REFERENCES = [
    ("debian", (None, "debian", None, None)),
    ("debian:12", (None, "debian", "12", None)),
    ("library/debian:12", (None, "library/debian", "12", None)),
    ("localhost:5000/app:1", ("localhost:5000", "app", "1", None)),
    ("ghcr.io/org/app@sha256:abc", ("ghcr.io", "org/app", None, "sha256:abc")),
    ("127.0.0.1:5000/a/b:2@sha256:abc", ("127.0.0.1:5000", "a/b", "2", "sha256:abc")),
    ("localhost/app", ("localhost", "app", None, None)),
    ("${BASE}:${TAG}", (None, "${BASE}", "${TAG}", None)),
]


@pytest.mark.parametrize(("reference", "parts"), REFERENCES, ids=[r[0] for r in REFERENCES])
def test_image_reference(
    reference: str, parts: tuple[str | None, str, str | None, str | None]
) -> None:
    image = image_reference(reference)
    assert (image.registry, image.name, image.tag, image.digest) == parts


def test_base_image_alias_and_platform() -> None:
    df = parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n")
    image = base_image(df.instructions[0])
    assert (image.name, image.tag, image.alias, image.platform) == (
        "golang",
        "1.22",
        "build",
        "$BUILDPLATFORM",
    )


@pytest.mark.parametrize(
    ("run", "names"),
    [
        ("RUN apt-get update && apt-get install -y curl", ["apt-get", "apt-get"]),
        ('RUN ["apt-get", "install", "-y", "curl"]', ["apt-get"]),
        ('RUN ["/bin/sh", "-c", "apt-get install -y curl"]', ["/bin/sh"]),
        ("RUN <<EOF\napt-get update\ncd /tmp\nEOF", ["apt-get", "cd"]),
        ("RUN <<EOF bash\nsudo ls\nEOF", ["sudo"]),
        ("RUN cat <<EOF > /etc/motd\ncd /tmp\nEOF", ["cat"]),
    ],
)
def test_run_script_as_hadolint_reads_it(run: str, names: list[str]) -> None:
    df = parse(f"FROM debian:12\n{run}\n")
    script = run_script(df.instructions[1])
    assert script is not None
    assert script.names == names


def test_run_script_is_none_for_other_instructions() -> None:
    assert run_script(parse("FROM debian:12\n").instructions[0]) is None


@pytest.mark.parametrize(
    ("mount", "fragment", "expected"),
    [
        ("type=cache,target=/var/cache/apk", "/var/cache/apk", True),
        ("type=tmpfs,dst=/root/.cache/pip", ".cache/pip", True),
        ("type=bind,target=/var/cache/apk", "/var/cache/apk", False),
        ("type=cache,target=/other", "/var/cache/apk", False),
    ],
)
def test_cache_mount_with(mount: str, fragment: str, expected: bool) -> None:
    df = parse(f"FROM alpine:3\nRUN --mount={mount} apk add curl\n")
    assert cache_mount_with(df.instructions[1], fragment) is expected


def test_onbuild_triggers_keep_the_onbuild_line() -> None:
    df = parse("FROM debian:12\nRUN ls\nONBUILD RUN apt-get update\nONBUILD COPY . /app\n")
    triggers = onbuild_triggers(df)
    assert [(t.keyword, t.start_line) for t in triggers] == [("RUN", 3), ("COPY", 4)]
