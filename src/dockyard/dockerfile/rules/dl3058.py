"""DL3058: a schema label of type ``email`` must be an RFC 5322 address so people (and tools)
can reach the maintainers. Python's own RFC 5322 parser decides."""

from __future__ import annotations

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]


class DL3058(LabelFormatRule):
    code = "DL3058"
    severity = Severity.WARNING
    message = "Label `{label}` is not a valid email format - must conform to RFC5322."
    label_type = "email"
    template = "Label `{label}` is not a valid email format - must conform to RFC5322."

    def valid(self, value: str) -> bool:
        # Imported here: the email package costs more start-up time than every other rule.
        from email import errors
        from email.headerregistry import Address

        try:
            address = Address(addr_spec=value)
        except (ValueError, IndexError, errors.HeaderParseError):
            return False
        return bool(address.username and address.domain)


rule = DL3058()
