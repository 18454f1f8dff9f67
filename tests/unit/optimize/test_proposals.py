"""Aggressive proposals are whole Dockerfiles that parse; where none fits, there is none."""

from __future__ import annotations

from dockyard.dockerfile import parse
from dockyard.optimize import base_candidates, bind_mount, multi_stage
from dockyard.optimize._proposals import with_base

COMPILED = """\
FROM local/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev
WORKDIR /src
COPY greet.c .
RUN gcc -static -o /usr/local/bin/greet greet.c
CMD ["/usr/local/bin/greet"]
"""


def test_scratch_keeps_only_the_program() -> None:
    proposal = multi_stage(COMPILED, scratch=True)
    assert proposal is not None
    parsed = parse(proposal.dockerfile)
    assert [s.base_image for s in parsed.stages] == ["local/debian:bookworm", "scratch"]
    assert proposal.dockerfile.startswith("FROM local/debian:bookworm AS build\n")
    assert proposal.dockerfile.endswith(
        "FROM scratch\n"
        "COPY --from=build /usr/local/bin/greet /usr/local/bin/greet\n"
        "WORKDIR /src\n"
        "USER 65534:65534\n"
        'CMD ["/usr/local/bin/greet"]\n'
    )


def test_multi_stage_keeps_the_base() -> None:
    proposal = multi_stage(COMPILED, scratch=False)
    assert proposal is not None
    assert "\nFROM local/debian:bookworm\nCOPY --from=build" in proposal.dockerfile


def test_no_multi_stage_without_a_compiler_or_a_program() -> None:
    assert multi_stage('FROM debian\nRUN apt-get install -y jq\nCMD ["/x"]\n', scratch=True) is None
    assert (
        multi_stage(COMPILED.replace('CMD ["/usr/local/bin/greet"]', "CMD greet"), scratch=True)
        is None
    )


def test_bind_mount_replaces_copy_then_delete() -> None:
    text = (
        "FROM debian\n"
        "COPY data.tgz /tmp/data.tgz\n"
        "RUN tar -xzf /tmp/data.tgz -C /opt \\\n"
        "    && rm /tmp/data.tgz \\\n"
        "    && ls /opt\n"
    )
    proposal = bind_mount(text)
    assert proposal is not None
    assert proposal.dockerfile == (
        "FROM debian\n"
        "RUN --mount=type=bind,source=data.tgz,target=/tmp/data.tgz tar -xzf /tmp/data.tgz"
        " -C /opt \\\n"
        "    && ls /opt\n"
    )


def test_no_bind_mount_when_the_file_stays() -> None:
    assert bind_mount("FROM debian\nCOPY a /a\nRUN cat /a\n") is None


def test_base_candidates_and_swap() -> None:
    assert base_candidates("python:3.11") == [
        "python:3.11-slim",
        "python:3.11-alpine",
        "python:slim",
        "python:alpine",
    ]
    assert base_candidates("python:3.11-slim") == []
    proposal = with_base('FROM python:3.11 AS app\nCMD ["x"]\n', new_base="python:3.11-slim")
    assert proposal is not None
    assert proposal.dockerfile == 'FROM python:3.11-slim AS app\nCMD ["x"]\n'
