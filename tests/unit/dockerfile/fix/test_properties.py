"""Properties every fix must keep: fixing twice changes nothing, and the output parses.

Checked on the real Dockerfiles of ``/work/shared/corpus/dockerfiles`` (read from there, never
copied) and on Dockerfiles generated from the instructions fixers care about.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dockyard.dockerfile import parse
from dockyard.dockerfile.fix import fix_text
from dockyard.errors import DockerfileError

CORPUS = Path("/work/shared/corpus/dockerfiles")


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.iterdir()) if CORPUS.is_dir() else []
    if not files:
        pytest.fail(f"{CORPUS} is missing: the corpus is part of the test environment")
    return files


def check(text: str) -> None:
    once = fix_text(text)
    parse(once.text)
    twice = fix_text(once.text)
    assert twice.text == once.text
    assert twice.fixes == ()


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_fix_is_idempotent_and_parses(path: Path) -> None:
    check(path.read_text(errors="replace"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(corpus_files()), min_size=2, max_size=3))
def test_corpus_files_glued_together(paths: list[Path]) -> None:
    """Several files in one: multi-stage documents the corpus itself rarely has."""
    check("\n".join(p.read_text(errors="replace") for p in paths))


PACKAGES = st.sampled_from(["curl", "wget", "python3", "gcc", "git", "jq", "ca-certificates"])
WORDS = st.sampled_from(["/tmp/x", "/app", "-y", "--no-install-recommends", "make", "ls"])


@st.composite
def run_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["update", "install", "use", "rm", "cd", "pip", "apk", "or"]))
    installs = " ".join(draw(st.lists(PACKAGES, min_size=1, max_size=3)))
    return {
        "update": "RUN apt-get update",
        "install": f"RUN apt-get install {draw(WORDS)} {installs}",
        "use": f"RUN curl -o {draw(WORDS)} http://example.org/f",
        "rm": f"RUN rm -rf {draw(WORDS)}",
        "cd": f"RUN cd {draw(WORDS)} && {draw(WORDS)}",
        "pip": f"RUN pip install {draw(WORDS)}",
        "apk": f"RUN apk add {installs}",
        "or": f"RUN {draw(WORDS)} || true; {draw(WORDS)}",
    }[kind]


@st.composite
def dockerfile(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from(["", "# escape=`\n", "# syntax=docker/dockerfile:1\n"]))
    prelude = draw(st.sampled_from(["", "ARG BASE=debian:12\n"]))
    base = draw(st.sampled_from(["debian:12", "alpine:3", "python:3", "scratch", "${BASE}"]))
    lines = [f"{header}{prelude}FROM {base}"]
    for _ in range(draw(st.integers(0, 8))):
        lines.append(
            draw(
                st.one_of(
                    run_line(),
                    st.sampled_from(
                        [
                            "# a comment",
                            "",
                            "COPY . /app",
                            "WORKDIR /app",
                            "USER nobody",
                            "MAINTAINER someone",
                            "CMD python3 app.py",
                            "ENTRYPOINT run",
                            'CMD ["run"]',
                            "FROM debian:12 AS second",
                            "RUN <<EOF\necho hi\nEOF",
                            "RUN apt-get update \\\n  # note\n  && apt-get install -y jq",
                            "ONBUILD RUN apt-get install -y curl",
                            "RUN --mount=type=cache,target=/var/cache/apt apt-get install -y gcc",
                            'RUN ["apt-get", "install", "-y", "curl"]',
                            "HEALTHCHECK CMD curl -f http://localhost/",
                            'LABEL note="form\x0cfeed and \u2028 separator"',
                            "RUN echo 'a\rb' > /x",
                        ]
                    ),
                )
            )
        )
    separator = draw(st.sampled_from(["\n", "\r\n"]))
    ending = draw(st.sampled_from([separator, ""]))
    return separator.join(lines) + ending


@settings(max_examples=300, deadline=None)
@given(dockerfile())
def test_generated_fix_is_idempotent_and_parses(text: str) -> None:
    try:
        parse(text)
    except DockerfileError:
        assume(False)  # e.g. a backslash continuation under ``# escape=`` ``
    check(text)
