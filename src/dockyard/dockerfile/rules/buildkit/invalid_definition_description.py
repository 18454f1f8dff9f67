"""InvalidDefinitionDescription: a comment right above a named ``FROM ... AS name`` or an ``ARG``
is read as its description (``docker buildx build --call=outline`` shows it), and should start
with the stage's or the argument's name. Experimental: reported only with
``# check=experimental=InvalidDefinitionDescription`` (or ``experimental=all``).

Which comment is "right above", as BuildKit's parser collects them: the comment lines since the
previous instruction, blank lines between them allowed, a bare ``#`` starting the collection
over, parser directives not counted; the last one is the description, and its first
space-separated word must be one of the instruction's names (stage names compared lower-cased,
as BuildKit lower-cases them).
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule, experimental_enabled
from dockyard.dockerfile.rules.buildkit._lex import raw_words

__all__ = ["rule"]


def _description(lines: list[str], first: int, last: int) -> str | None:
    """The description comment among lines ``first..last`` (1-based, inclusive), or None."""
    for number in range(last, first - 1, -1):
        raw = lines[number - 1].rstrip("\r\n")
        stripped = raw.lstrip(" \t")
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return None
        text = raw[1:].strip()  # BuildKit drops the line's first byte, then trims
        return text or None
    return None


class InvalidDefinitionDescription(BuildKitRule):
    code = "InvalidDefinitionDescription"
    experimental = True
    message = (
        "Comment for build stage or argument should follow the format: "
        "`# <arg/stage name> <description>`. If this is not intended to be a description "
        "comment, add an empty line or comment between the instruction and the comment."
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        if not experimental_enabled(df, self.code):
            return
        previous_end = len(df.directives)  # directive lines are not comments
        for instruction in df.instructions:
            start, previous = instruction.start_line, previous_end
            previous_end = max(previous_end, instruction.end_line)
            if instruction.keyword == "FROM":
                words = raw_words(instruction.arguments, escape=instruction.escape)
                if len(words) != 3 or words[1].lower() != "as":
                    continue
                names, kind = [words[2].lower()], "FROM"
            elif instruction.keyword == "ARG":
                words = raw_words(instruction.arguments, escape=instruction.escape)
                names, kind = [w.partition("=")[0] for w in words], "ARG"
            else:
                continue
            description = _description(df.lines, previous + 1, start - 1)
            if not names or description is None or description.split(" ")[0] in names:
                continue
            example = names[0] if len(names) == 1 else "<arg_key>"
            message = f"Comment for {kind} should follow the format: `# {example} <description>`"
            yield self.finding(start, ctx, message=message)


rule = InvalidDefinitionDescription()
