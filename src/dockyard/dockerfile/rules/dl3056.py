"""DL3056: a schema label of type ``semver`` must be a Semantic Versioning 2.0 version, so tools
can order releases."""

from __future__ import annotations

import re

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]

# What hadolint's semantic-version parser accepts: major.minor.patch, then an optional
# "-pre-release" and "+build" of alphanumerics, dots and hyphens (it is lenient about leading
# zeros and empty parts, unlike the specification's own regular expression).
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]*)?(?:\+[0-9A-Za-z.-]*)?$")


class DL3056(LabelFormatRule):
    code = "DL3056"
    severity = Severity.WARNING
    message = "Label `{label}` does not conform to semantic versioning."
    label_type = "semver"
    template = "Label `{label}` does not conform to semantic versioning."

    def valid(self, value: str) -> bool:
        return _SEMVER.match(value) is not None


rule = DL3056()
