"""DL3012: only the last HEALTHCHECK of a stage counts; an earlier one is dead text that readers
will trust."""

from __future__ import annotations

from dockyard.dockerfile.rules._base import OnePerStageRule, Severity

__all__ = ["rule"]


class DL3012(OnePerStageRule):
    code = "DL3012"
    keyword = "HEALTHCHECK"
    severity = Severity.ERROR
    message = "Multiple `HEALTHCHECK` instructions"


rule = DL3012()
