"""What ``optimize`` reports: each image built, measured and smoke-checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dockyard.dockerfile.fix import Fix, Unfixed

__all__ = ["Layer", "Measurement", "OptimizeReport", "Smoke", "Variant"]


@dataclass(frozen=True)
class Layer:
    created_by: str
    size_bytes: int
    base: bool


@dataclass(frozen=True)
class Measurement:
    """Sizes as the image analysis counts them (uncompressed layer content)."""

    image_id: str
    size_bytes: int
    base_bytes: int
    efficiency: float
    layers: tuple[Layer, ...]

    @property
    def added_bytes(self) -> int:
        """What the Dockerfile adds on top of its base: the part a fix can shrink."""
        return self.size_bytes - self.base_bytes


@dataclass(frozen=True)
class Smoke:
    passed: bool
    exit_code: int
    output: str
    reason: str = ""


@dataclass(frozen=True)
class Variant:
    """One Dockerfile built: the original, the fixed one, or an aggressive proposal."""

    name: str
    tag: str
    dockerfile: str
    measurement: Measurement | None
    smoke: Smoke | None
    description: str = ""
    error: str = ""

    def saving_against(self, before: Measurement | None) -> float | None:
        """Share of the original's added bytes this variant saves."""
        if before is None or self.measurement is None or before.added_bytes <= 0:
            return None
        return 1 - self.measurement.added_bytes / before.added_bytes


@dataclass
class OptimizeReport:
    name: str
    before: Variant
    after: Variant
    fixes: tuple[Fix, ...]
    unfixed: tuple[Unfixed, ...]
    proposals: list[Variant] = field(default_factory=list)
    written: str | None = None

    @property
    def saving(self) -> float | None:
        return self.after.saving_against(self.before.measurement)

    def to_json(self) -> dict[str, Any]:
        before = self.before.measurement
        return {
            "name": self.name,
            "before": _variant_json(self.before, None),
            "after": _variant_json(self.after, before),
            "smoke": {
                "passed": bool(self.after.smoke and self.after.smoke.passed),
                "output": self.after.smoke.output if self.after.smoke else "",
                "reason": self.after.smoke.reason if self.after.smoke else "",
                "before_output": self.before.smoke.output if self.before.smoke else "",
            },
            "fixes": [{"code": f.code, "line": f.line, "message": f.message} for f in self.fixes],
            "unfixed": [{"code": u.code, "line": u.line, "reason": u.reason} for u in self.unfixed],
            "dockerfile": self.after.dockerfile,
            "proposals": [_variant_json(p, before) for p in self.proposals],
            "written": self.written,
        }


def _variant_json(variant: Variant, before: Measurement | None) -> dict[str, Any]:
    measured = variant.measurement
    data: dict[str, Any] = {
        "name": variant.name,
        "tag": variant.tag,
        "image_id": measured.image_id if measured else None,
        "size_bytes": measured.size_bytes if measured else None,
        "added_bytes": measured.added_bytes if measured else None,
        "base_bytes": measured.base_bytes if measured else None,
        "efficiency": measured.efficiency if measured else None,
        "layers": [
            {"created_by": layer.created_by, "size_bytes": layer.size_bytes, "base": layer.base}
            for layer in (measured.layers if measured else ())
        ],
        "smoke_passed": bool(variant.smoke and variant.smoke.passed),
        "error": variant.error or None,
    }
    if variant.description:
        data["description"] = variant.description
        data["dockerfile"] = variant.dockerfile
    if before is not None:
        data["saving"] = variant.saving_against(before)
    return data
