"""DY006: a statically linked binary shipped on a full OS base image.

A static binary (Go with ``CGO_ENABLED=0``, ``-static``, a musl target) needs no libc, shell or
package manager. Shipping it on debian/ubuntu/alpine/golang adds tens to hundreds of MB and every
CVE of that OS to the image for nothing. ``FROM scratch`` (plus CA certificates and a passwd line
if needed) or a distroless static image holds just the binary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile, Stage
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import commands_of, final_stage, stage_chain
from dockyard.dockerfile.rules.dl3006 import image_parts

__all__ = ["FULL_OS_BASES", "rule"]

FULL_OS_BASES = frozenset(
    {
        "debian", "ubuntu", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux",
        "oraclelinux", "alpine", "golang", "rust", "gcc", "buildpack-deps", "opensuse/leap",
        "archlinux", "redhat/ubi8", "redhat/ubi9",
    }
)  # fmt: skip
_STATIC = re.compile(r"CGO_ENABLED=0|(^|\s|[\"'])-static(\s|$|[\"'])|-musl\b|musl-gcc")
_BUILDERS = {"go", "cargo", "gcc", "cc", "g++", "clang", "make", "musl-gcc", "rustc"}


class DY006(Rule):
    code = "DY006"
    severity = Severity.INFO
    message = (
        "A static binary is shipped on a full OS base ({base}): it needs no libc, shell or "
        "package manager, so the OS only adds size and CVEs. Use `FROM scratch` (copy "
        "/etc/ssl/certs if it makes TLS calls) or a distroless static image for the final stage"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None:
            return
        chain = stage_chain(df, stage)
        base = chain[-1].base_resolved
        _, name, _, _ = image_parts(base)
        if name.removeprefix("library/") not in FULL_OS_BASES:
            return
        sources = list(chain) + _copied_from(df, chain)
        if any(_builds_static(s) for s in sources):
            yield self.finding(stage.start_line, ctx, message=self.message.format(base=base))


def _copied_from(df: Dockerfile, chain: list[Stage]) -> list[Stage]:
    stages = []
    for member in chain:
        for instruction in member.instructions:
            source = instruction.flag("from") if instruction.keyword == "COPY" else None
            if not source:
                continue
            found = df.stage_named(source)
            if found is None and source.isdigit() and int(source) < len(df.stages):
                found = df.stages[int(source)]
            if found is not None:
                stages.append(found)
    return stages


def _builds_static(stage: Stage) -> bool:
    static_env = any(
        name == "CGO_ENABLED" and value == "0"
        for i in stage.instructions
        if i.keyword == "ENV"
        for name, value in i.env_pairs()
    )
    for instruction in stage.instructions:
        names = {c.basename for c in commands_of(instruction)}
        if not names & _BUILDERS:
            continue
        if static_env or _STATIC.search(instruction.shell_script):
            return True
    return False


rule = DY006()
