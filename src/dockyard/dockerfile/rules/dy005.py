"""DY005: a compiler or build toolchain left in the final stage.

Compilers and build tools are needed to build, not to run: in the shipped image they are
hundreds of MB and let an intruder build tools on the spot. A multi-stage build compiles in a
first stage and copies only the result into a small final stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import final_stage, package_changes, stage_instructions

__all__ = ["TOOLCHAIN", "rule"]

TOOLCHAIN = re.compile(
    r"^(gcc|g\+\+|cpp|clang|llvm|make|cmake|ninja-build|autoconf|automake|libtool|"
    r"build-essential|build-base|alpine-sdk|golang|golang-go|go|rustc|cargo|rust|"
    r"gcc-c\+\+|gcc-\d+|g\+\+-\d+|clang-\d+|gfortran|openjdk-\d+-jdk|openjdk\d*-jdk|"
    r"default-jdk|maven|gradle|nodejs-dev|python3?-dev|python3\d*-devel|musl-dev|libc6?-dev)$"
)


class DY005(Rule):
    code = "DY005"
    severity = Severity.INFO
    message = (
        "Build toolchain in the final image ({packages}): needed to build, not to run; it adds "
        "hundreds of MB and lets an intruder compile tools. Build in a first stage "
        "(`FROM ... AS build`) and `COPY --from=build` only the result into a slim final stage"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None:
            return
        for line, packages in _kept_toolchain(stage_instructions(df, stage)).items():
            message = self.message.format(packages=", ".join(packages))
            yield self.finding(line, ctx, message=message)


def _kept_toolchain(instructions: list[Instruction]) -> dict[int, list[str]]:
    """RUN line -> toolchain packages it installs that no later command removes."""
    installed: dict[str, int] = {}
    groups: dict[str, list[str]] = {}
    for instruction in instructions:
        for change in package_changes(instruction):
            if change.action == "install":
                tools = [p for p in change.packages if TOOLCHAIN.match(p)]
                installed.update(dict.fromkeys(tools, change.line))
                if change.virtual:
                    groups[change.virtual] = tools
            else:
                for package in change.packages:
                    for name in groups.pop(package, [package]):
                        installed.pop(name, None)
    by_line: dict[int, list[str]] = {}
    for package, line in installed.items():
        by_line.setdefault(line, []).append(package)
    return by_line


rule = DY005()
