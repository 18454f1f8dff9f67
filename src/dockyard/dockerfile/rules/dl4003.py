"""DL4003: only the last CMD of a stage takes effect; earlier ones mislead readers."""

from __future__ import annotations

from dockyard.dockerfile.rules._base import OnePerStageRule, Severity

__all__ = ["rule"]


class DL4003(OnePerStageRule):
    code = "DL4003"
    keyword = "CMD"
    severity = Severity.WARNING
    message = (
        "Multiple `CMD` instructions found. If you list more than one `CMD` then only the last "
        "`CMD` will take effect"
    )


rule = DL4003()
