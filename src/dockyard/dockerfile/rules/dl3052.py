"""DL3052: a schema label of type ``url`` must hold an absolute URI (scheme first), or the
tools that follow it (registries' source links, scanners) cannot."""

from __future__ import annotations

import re

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]

_URI = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$"
)


class DL3052(LabelFormatRule):
    code = "DL3052"
    severity = Severity.WARNING
    message = "Label `{label}` is not a valid URL."
    label_type = "url"
    template = "Label `{label}` is not a valid URL."

    def valid(self, value: str) -> bool:
        return _URI.match(value) is not None


rule = DL3052()
