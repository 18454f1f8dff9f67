"""DL3054: a schema label of type ``spdx`` (e.g. ``org.opencontainers.image.licenses``) must be
one SPDX license id, so license scanners can read it without guessing."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dockyard.dockerfile.rules._base import Severity
from dockyard.dockerfile.rules.dllabels import LabelFormatRule

__all__ = ["rule"]


@lru_cache(maxsize=1)
def _licensing() -> Any:
    """The SPDX license list, loaded on first use only (a schema with ``spdx`` is rare)."""
    from license_expression import get_spdx_licensing  # type: ignore[import-untyped]

    return get_spdx_licensing()


class DL3054(LabelFormatRule):
    code = "DL3054"
    severity = Severity.WARNING
    message = "Label `{label}` is not a valid SPDX identifier."
    label_type = "spdx"
    template = "Label `{label}` is not a valid SPDX identifier."

    def valid(self, value: str) -> bool:
        if not value or len(value.split()) != 1:
            return False
        info = _licensing().validate(value)
        # One license id exactly as SPDX spells it: "mit" or "GPL-2.0+" are normalised by the
        # library, and hadolint refuses them.
        return not info.errors and info.normalized_expression == value


rule = DL3054()
