"""InvalidDefaultArgInFrom: with no ``--build-arg``, the global ``ARG`` defaults make the
``FROM`` image empty or invalid (``ARG TAG`` + ``FROM alpine:$TAG`` gives ``alpine:``)."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule, expand_or_none, global_args
from dockyard.dockerfile.rules.buildkit._from import from_lines, is_valid_reference

__all__ = ["rule"]


class InvalidDefaultArgInFrom(BuildKitRule):
    code = "InvalidDefaultArgInFrom"
    message = "Default value for global ARG results in an empty or invalid base image name"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        env, _ = global_args(df)
        for line in from_lines(df):
            expansion = expand_or_none(line.base, env, escape=df.escape)
            if expansion is None:
                return  # BuildKit stops checking at a FROM it cannot expand
            if not is_valid_reference(expansion.text):
                message = (
                    f"Default value for ARG {line.base} results in empty or invalid base image name"
                )
                yield self.finding(line.stage.start_line, ctx, message=message)


rule = InvalidDefaultArgInFrom()
