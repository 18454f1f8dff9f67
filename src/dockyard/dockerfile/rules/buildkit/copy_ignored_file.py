"""CopyIgnoredFile: a ``COPY``/``ADD`` source from the build context that the context's
``.dockerignore`` excludes, so the build never sees it. Experimental in the frontend Engine 28.5
runs (BuildKit v0.25): reported only with ``# check=experimental=CopyIgnoredFile`` (or
``experimental=all``).

As BuildKit does it: sources are taken after variable expansion and matched as written (``./a``
is not ``a``, v0.25 does not clean them); a source is excluded when it or a parent directory
matches; ``COPY --from``, URLs and Git sources are not from the context. The ``.dockerignore``
read is the one beside the linted file (see :mod:`._dockerignore`); without one there is nothing
to report.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import (
    BuildKitRule,
    StageState,
    experimental_enabled,
    walk_stages,
)
from dockyard.dockerfile.rules.buildkit._dockerignore import (
    IgnoreMatcher,
    context_ignore_file,
    read_patterns,
)
from dockyard.dockerfile.rules.buildkit._lex import expand_word, raw_words

__all__ = ["rule"]

_REMOTE = ("http://", "https://", "git://", "git@")


def _sources(instruction: Instruction, state: StageState) -> list[str]:
    if instruction.json_args is not None:
        words = list(instruction.json_args)[:-1]
        quotes = False
    else:
        words = raw_words(instruction.arguments, escape=instruction.escape)[:-1]
        quotes = True
    if instruction.heredocs:
        words = [w for w in words if not w.startswith("<<")]
    sources = []
    for word in words:
        try:
            expanded = expand_word(word, state.env, escape=instruction.escape, quotes=quotes)
        except ValueError:
            continue
        sources.append(expanded.text)
    return sources


class CopyIgnoredFile(BuildKitRule):
    code = "CopyIgnoredFile"
    experimental = True
    message = "Attempting to Copy file that is excluded by .dockerignore"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        if not experimental_enabled(df, self.code):
            return
        ignore_file = context_ignore_file(ctx.path)
        if ignore_file is None:
            return
        patterns = read_patterns(ignore_file.read_text(encoding="utf-8", errors="replace"))
        if not patterns:
            return
        matcher = IgnoreMatcher(patterns)
        for instruction, state in walk_stages(df):
            if instruction.keyword not in ("COPY", "ADD"):
                continue
            if instruction.keyword == "COPY" and instruction.flag("from"):
                continue
            verb = "Add" if instruction.keyword == "ADD" else "Copy"
            for source in _sources(instruction, state):
                if source.startswith(_REMOTE) or not matcher.matches_or_parent_matches(source):
                    continue
                message = f'Attempting to {verb} file "{source}" that is excluded by .dockerignore'
                yield self.finding(instruction.start_line, ctx, message=message)


rule = CopyIgnoredFile()
