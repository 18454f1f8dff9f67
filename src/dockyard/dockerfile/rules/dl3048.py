"""DL3048: docker's label key convention (lower-case reverse-DNS, ``[a-z0-9.-_/]``, no doubled
separators, ``com.docker.*``/``io.docker.*``/``org.dockerproject.*`` reserved) keeps keys
unambiguous for the tools that read them."""

from __future__ import annotations

import string

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]

_VALID = frozenset(string.ascii_lowercase + string.digits + ".-_/")
_RESERVED = ("com.docker.", "io.docker.", "org.dockerproject.")


def _invalid(key: str) -> bool:
    return (
        key[:1] not in string.ascii_lowercase
        or not key
        or key[-1] not in string.ascii_lowercase + string.digits
        or any(char not in _VALID for char in key)
        or key.startswith(_RESERVED)
        or ".." in key
        or "--" in key
    )


class DL3048(InstructionRule):
    code = "DL3048"
    severity = Severity.STYLE
    message = "Invalid label key."

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        if instruction.keyword != "LABEL":
            return True
        return not any(_invalid(key) for key, _ in instruction.env_pairs())


rule = DL3048()
