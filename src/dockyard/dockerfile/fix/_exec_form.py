"""Shell-form CMD/ENTRYPOINT to JSON (exec) form (DL3025), only where the meaning stays.

In shell form the program runs under ``/bin/sh -c`` as PID 1's child and never sees SIGTERM, so
``docker stop`` waits and kills it. The conversion is made only when the command is plain words
(no variables, redirections, pipes, globs or other shell syntax), an ENTRYPOINT only when no CMD
follows in the stage (in exec form it would start receiving CMD as arguments), and a CMD only
when the stage has no ENTRYPOINT (which would receive different arguments).
"""

from __future__ import annotations

import json
import re

from dockyard.dockerfile._shell import plain_words
from dockyard.dockerfile.fix._edit import eol
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._view import Doc

__all__ = ["ExecForm"]

_SHELL_SYNTAX = re.compile(r"[$`|&;<>()*?\[\]{}~!#\\\n]")


class ExecForm:
    code = "DL3025"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for stage in doc.stages:
            steps = doc.stage_steps(stage.index)
            keywords = [s.keyword for s in steps]
            for position, step in enumerate(steps):
                if step.keyword not in ("CMD", "ENTRYPOINT") or step.json_args is not None:
                    continue
                if step.start != step.end:
                    outcome.refuse(self.code, step.start, "spans several lines; convert by hand")
                    continue
                if step.keyword == "ENTRYPOINT" and "CMD" in keywords[position + 1 :]:
                    outcome.refuse(
                        self.code, step.start, "in exec form it would receive the CMD as arguments"
                    )
                    continue
                if step.keyword == "CMD" and "ENTRYPOINT" in keywords:
                    outcome.refuse(
                        self.code, step.start, "the ENTRYPOINT would receive different arguments"
                    )
                    continue
                words = _plain_words(step.text)
                if words is None:
                    outcome.refuse(
                        self.code,
                        step.start,
                        "uses shell syntax; keep shell form or convert by hand",
                    )
                    continue
                line = doc.lines[step.start - 1]
                indent = line[: len(line) - len(line.lstrip())]
                text = f"{indent}{step.keyword} {json.dumps(words)}{eol(line)}"
                outcome.change(
                    Edit(step.start, step.end, (text,)),
                    Fix(self.code, step.start, f"{step.keyword} in exec form"),
                )
        return outcome


def _plain_words(text: str) -> list[str] | None:
    if not text.strip() or _SHELL_SYNTAX.search(text):
        return None
    words = plain_words(text)
    if not words or "=" in words[0]:
        return None
    return words
