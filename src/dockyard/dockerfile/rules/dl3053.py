"""DL3053: a schema label of type ``rfc3339`` (e.g. ``org.opencontainers.image.created``) must be a
full RFC 3339 timestamp so tools can sort and compare images by it."""

from __future__ import annotations

import re
from datetime import datetime

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class DL3053(LabelFormatRule):
    code = "DL3053"
    severity = Severity.WARNING
    message = "Label `{label}` is not a valid time format - must conform to RFC3339."
    label_type = "rfc3339"
    template = "Label `{label}` is not a valid time format - must conform to RFC3339."

    def valid(self, value: str) -> bool:
        if _RFC3339.match(value) is None:
            return False
        try:
            datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            return False
        return True


rule = DL3053()
