"""Findings and their levels: what rules produce and what reports, configs and pragmas consume.

Kept apart from the rule package so that settings, reports and ShellCheck can be loaded (and
ShellCheck started) before the many rule modules are imported.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Finding", "LintContext", "Severity"]


class Severity(enum.IntEnum):
    """hadolint's levels, most severe first: a threshold keeps levels ``<=`` itself."""

    ERROR = 0
    WARNING = 1
    INFO = 2
    STYLE = 3
    IGNORE = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``error``/``warning``/``info``/``style``/``ignore`` (``none`` = ignore), any case."""
        lowered = text.strip().lower()
        if lowered == "none":
            return cls.IGNORE
        try:
            return cls[lowered.upper()]
        except KeyError:
            choices = "error, warning, info, style, ignore"
            raise ValueError(f"invalid severity {text!r} (one of {choices})") from None


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. Ordered by file, line, then code, as reports list them."""

    path: str
    line: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    column: int = field(default=1, compare=False)
    end_line: int | None = field(default=None, compare=False)
    url: str | None = field(default=None, compare=False)  # the rule's documentation page


@dataclass(frozen=True)
class LintContext:
    """What rules may consult besides the Dockerfile: the settings of the project."""

    path: str = "Dockerfile"
    trusted_registries: tuple[str, ...] = ()
    label_schema: Mapping[str, str] = field(default_factory=dict)
    strict_labels: bool = False

    @property
    def allowed_registries(self) -> tuple[str, ...]:
        """hadolint's name for ``trustedRegistries`` inside DL3026."""
        return self.trusted_registries
