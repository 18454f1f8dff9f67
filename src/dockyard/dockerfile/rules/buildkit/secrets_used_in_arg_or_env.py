"""SecretsUsedInArgOrEnv: an ``ARG`` or ``ENV`` whose name says it holds a secret (``*_TOKEN``,
``PASSWORD``...) ends up in the image's history or config; use a secret mount. Names are matched
by BuildKit's word lists; global ``ARG``s (before the first ``FROM``) are not checked, as in
BuildKit. The allow-list is that of the frontend Engine 28.5 runs (BuildKit v0.25: ``public``
only; ``file`` and ``version`` were added in v0.28, so ``DOCKER_AUTH_VERSION`` is reported)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule, env_words
from dockyard.dockerfile.rules.buildkit._lex import raw_words

__all__ = ["looks_secret", "rule"]

_SECRET_WORDS = (
    "apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd",
    "secret", "token",
)  # fmt: skip
_ALLOWED_WORDS = ("public",)
_SECRET = re.compile(r"(?i)(?:_|^)(?:" + "|".join(_SECRET_WORDS) + r")(?:_|$)")
_ALLOWED = re.compile(r"(?i)(?:_|^)(?:" + "|".join(_ALLOWED_WORDS) + r")(?:_|$)")


def looks_secret(name: str) -> bool:
    return _SECRET.search(name) is not None and _ALLOWED.search(name) is None


class SecretsUsedInArgOrEnv(BuildKitRule):
    code = "SecretsUsedInArgOrEnv"
    message = "Sensitive data should not be used in the ARG or ENV commands"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for stage in df.stages:
            for instruction in stage.instructions:
                if instruction.keyword == "ENV":
                    names = [name for name, _ in env_words(instruction)]
                elif instruction.keyword == "ARG":
                    words = raw_words(instruction.arguments, escape=instruction.escape)
                    names = [word.partition("=")[0] for word in words]
                else:
                    continue
                for name in names:
                    if looks_secret(name):
                        message = (
                            "Do not use ARG or ENV instructions for sensitive data "
                            f'({instruction.keyword} "{name}")'
                        )
                        yield self.finding(instruction.start_line, ctx, message=message)


rule = SecretsUsedInArgOrEnv()
