"""DL3051: a required label set to the empty string satisfies DL3049 in form only."""

from __future__ import annotations

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]


class DL3051(LabelFormatRule):
    code = "DL3051"
    severity = Severity.WARNING
    message = "label `{label}` is empty."
    label_type = None
    template = "label `{label}` is empty."

    def valid(self, value: str) -> bool:
        return value != ""


rule = DL3051()
