"""Every DL rule gives a verdict, never an exception, on any Dockerfile the parser accepts:
instructions of every kind with arbitrary shell text, flags, stage names and ONBUILD triggers."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dockyard.dockerfile import parse
from dockyard.dockerfile.rules import LintContext, all_rules
from dockyard.errors import DockerfileError

WORDS = st.text(alphabet="ab-=$()|&;<>'\"/.:@0123456789 ", min_size=1, max_size=30)
INSTRUCTIONS = st.one_of(
    st.builds(
        "FROM {}".format, st.sampled_from(["debian", "a:1", "$X", "b AS c", "c", "x@sha256:1"])
    ),
    st.builds("RUN {}".format, WORDS),
    st.builds("RUN --mount=type=cache,target=/root/.cache/pip {}".format, WORDS),
    st.builds("ONBUILD RUN {}".format, WORDS),
    st.builds("COPY --from={} / /".format, st.sampled_from(["c", "0", "nginx:1", "x"])),
    st.builds("COPY {} ./".format, WORDS),
    st.builds("ADD {} /x/".format, WORDS),
    st.builds("ENV A={} B=$A".format, st.sampled_from(["1", "x", "$PIP_NO_CACHE_DIR"])),
    st.builds("ARG {}".format, st.sampled_from(["UID=1", "TOKEN", "V"])),
    st.builds("USER {}".format, st.sampled_from(["root", "0:0", "app", "$UID", "1000"])),
    st.builds("LABEL {}".format, st.sampled_from(["a=b", "Maintainer=x", 'url="not a url"'])),
    st.sampled_from(
        [
            "WORKDIR app",
            "EXPOSE 80 70000 1-2/udp",
            "HEALTHCHECK CMD true",
            "CMD run",
            'ENTRYPOINT ["x"]',
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
            "MAINTAINER me",
            "STOPSIGNAL SIGTERM",
            "VOLUME /data",
        ]
    ),
)
CONTEXT = LintContext(
    trusted_registries=("docker.io",),
    label_schema={"url": "url", "a": "text", "v": "semver", "l": "spdx", "e": "email"},
    strict_labels=True,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(INSTRUCTIONS, min_size=1, max_size=12))
def test_every_rule_gives_a_verdict(lines: list[str]) -> None:
    try:
        df = parse("FROM debian:12\n" + "\n".join(lines) + "\n")
    except DockerfileError:  # e.g. a generated "<<a" opens a heredoc that never ends
        assume(False)
        return
    for rule in all_rules():
        if not rule.code.startswith("DL"):
            continue
        for finding in rule.check(df, CONTEXT):
            assert finding.code == rule.code
            assert 1 <= finding.line <= len(lines) + 1
