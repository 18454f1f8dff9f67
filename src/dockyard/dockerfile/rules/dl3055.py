"""DL3055: a schema label of type ``hash`` must be a git commit id (7 or 40 lower-case hex digits)
so the image can be traced back to its source."""

from __future__ import annotations

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]


class DL3055(LabelFormatRule):
    code = "DL3055"
    severity = Severity.WARNING
    message = "Label `{label}` is not a valid git hash."
    label_type = "hash"
    template = "Label `{label}` is not a valid git hash."

    def valid(self, value: str) -> bool:
        return len(value) in (7, 40) and all(char in "0123456789abcdef" for char in value)


rule = DL3055()
