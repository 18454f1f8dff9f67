"""DL4004: only the last ENTRYPOINT of a stage takes effect; earlier ones mislead readers."""

from __future__ import annotations

from dockyard.dockerfile.rules._base import OnePerStageRule, Severity

__all__ = ["rule"]


class DL4004(OnePerStageRule):
    code = "DL4004"
    keyword = "ENTRYPOINT"
    severity = Severity.ERROR
    message = (
        "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then "
        "only the last `ENTRYPOINT` will take effect"
    )


rule = DL4004()
