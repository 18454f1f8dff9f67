"""MAINTAINER (deprecated) to ``LABEL maintainer=...`` (DL4000), the form image tools read."""

from __future__ import annotations

import json

from dockyard.dockerfile.fix._edit import eol
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._view import Doc

__all__ = ["MaintainerLabel"]


class MaintainerLabel:
    code = "DL4000"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for step in doc.steps:
            if step.keyword != "MAINTAINER":
                continue
            if step.start != step.end or not step.text.strip() or "$" in step.text:
                outcome.refuse(
                    self.code, step.start, "spans lines or holds a $ that LABEL would expand"
                )
                continue
            line = doc.lines[step.start - 1]
            indent = line[: len(line) - len(line.lstrip())]
            value = json.dumps(step.text.strip(), ensure_ascii=False)
            text = f"{indent}LABEL maintainer={value}{eol(line)}"
            outcome.change(
                Edit(step.start, step.end, (text,)),
                Fix(self.code, step.start, "MAINTAINER as LABEL maintainer"),
            )
        return outcome
