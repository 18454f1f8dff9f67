"""DL3056: a schema label of type ``semver`` must be a Semantic Versioning 2.0 version, so tools
can order releases."""

from __future__ import annotations

import re

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]

# The regular expression published with the Semantic Versioning 2.0.0 specification.
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


class DL3056(LabelFormatRule):
    code = "DL3056"
    severity = Severity.WARNING
    message = "Label `{label}` does not conform to semantic versioning."
    label_type = "semver"
    template = "Label `{label}` does not conform to semantic versioning."

    def valid(self, value: str) -> bool:
        return _SEMVER.match(value) is not None


rule = DL3056()
