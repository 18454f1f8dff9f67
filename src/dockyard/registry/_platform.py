"""Platforms (``os/arch[/variant]``): which entry of a multi-platform index fits a host.

Matching follows containerd's defaults where they matter for the common cases: ``arm64`` without
a variant is ``arm64/v8``, ``amd64`` ignores a missing variant, and a request without a variant
accepts any variant of its architecture.
"""

from __future__ import annotations

import platform as _host
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dockyard.errors import UsageError

__all__ = ["Platform"]

_MACHINE_TO_ARCH = {
    "x86_64": ("amd64", None),
    "amd64": ("amd64", None),
    "aarch64": ("arm64", "v8"),
    "arm64": ("arm64", "v8"),
    "armv7l": ("arm", "v7"),
    "armv6l": ("arm", "v6"),
    "i386": ("386", None),
    "i686": ("386", None),
    "ppc64le": ("ppc64le", None),
    "s390x": ("s390x", None),
    "riscv64": ("riscv64", None),
}
_DEFAULT_VARIANT = {"arm64": "v8"}


@dataclass(frozen=True, slots=True)
class Platform:
    """An ``os/architecture[/variant]`` as in an OCI index's ``platform`` object."""

    os: str
    architecture: str
    variant: str | None = None

    @classmethod
    def parse(cls, text: str) -> Platform:
        """``linux/amd64``, ``linux/arm64/v8``, ``linux/arm/v7``; anything else is a UsageError."""
        parts = text.strip().lower().split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise UsageError(f"invalid platform {text!r}: expected os/arch or os/arch/variant")
        return cls(
            os=parts[0], architecture=parts[1], variant=parts[2] if len(parts) == 3 else None
        )

    @classmethod
    def host(cls) -> Platform:
        """The platform this machine runs, as docker names it (Linux containers)."""
        arch, variant = _MACHINE_TO_ARCH.get(_host.machine().lower(), (_host.machine(), None))
        return cls(os="linux", architecture=arch, variant=variant)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Platform | None:
        os_name, arch = data.get("os"), data.get("architecture")
        if not isinstance(os_name, str) or not isinstance(arch, str):
            return None
        variant = data.get("variant")
        return cls(
            os=os_name, architecture=arch, variant=variant if isinstance(variant, str) else None
        )

    def matches(self, candidate: Platform) -> bool:
        """Whether an index entry for ``candidate`` can run where ``self`` is asked for."""
        if (candidate.os, candidate.architecture) != (self.os, self.architecture):
            return False
        if self.variant is None:
            return True
        default = _DEFAULT_VARIANT.get(self.architecture)
        return (candidate.variant or default) == (self.variant or default)

    def __str__(self) -> str:
        tail = f"/{self.variant}" if self.variant else ""
        return f"{self.os}/{self.architecture}{tail}"
